import { useTranslation } from 'react-i18next';
import { loadCreatedWorkshops } from '../../realtime/identity.js';
import { CopyField } from '../../ui/CopyField.js';

/**
 * The invite links, for the moderation in the browser that created the workshop. The server keeps
 * only hashes of the secrets, so no other browser can show them.
 */
export function InvitePanel({ workshopId }: { workshopId: string }) {
  const { t } = useTranslation();
  const created = loadCreatedWorkshops().find((workshop) => workshop.id === workshopId);
  if (!created) return null;
  return (
    <section className="card" aria-labelledby="invite-heading">
      <h2 id="invite-heading">{t('workshop.invite')}</h2>
      <p className="muted">{t('workshop.inviteHint')}</p>
      <CopyField label={t('create.linkParticipant')} value={created.links.participant} />
      <CopyField label={t('create.linkCoModerator')} value={created.links.coModerator} />
    </section>
  );
}
