import { useTranslation } from 'react-i18next';
import { isFacilitator } from '@werkraum/shared/roles';
import { useAppStore } from '../../store/index.js';
import { InAppLink } from './InAppLink.js';

/** The way from the workshop to its documentation: always for the moderation, for participants once published. */
export function DocumentationLink({ workshopId }: { workshopId: string }) {
  const { t } = useTranslation();
  const role = useAppStore((state) => state.session?.role);
  const published = useAppStore((state) => state.documentation?.published ?? false);
  if (!role) return null;
  const facilitator = isFacilitator(role);
  if (!facilitator && !published) return null;
  return (
    <p className="documentation-link">
      <InAppLink href={`/w/${encodeURIComponent(workshopId)}/documentation`} className="button">
        {facilitator ? t('documentation.link') : t('documentation.participantLink')}
      </InAppLink>
    </p>
  );
}
