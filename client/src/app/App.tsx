import { useTranslation } from 'react-i18next';
import { CreateWorkshopPage } from '../features/workshops/CreateWorkshopPage.js';
import { JoinPage } from '../features/join/JoinPage.js';
import { DocumentationPage } from '../features/documentation/DocumentationPage.js';
import { WorkshopPage } from '../features/plenary/WorkshopPage.js';
import { AppShell } from './AppShell.js';
import { parseRoute, usePathname } from './router.js';

/** Picks the page for the current address. */
export function App() {
  const route = parseRoute(usePathname());
  const { t } = useTranslation();
  switch (route.page) {
    case 'create':
      return <CreateWorkshopPage />;
    case 'join':
      return <JoinPage workshopId={route.workshopId} />;
    case 'workshop':
      return <WorkshopPage workshopId={route.workshopId} />;
    case 'documentation':
      return <DocumentationPage workshopId={route.workshopId} />;
    default:
      return (
        <AppShell>
          <h1>{t('errors.not_found')}</h1>
          <p>
            <a href="/">{t('create.heading')}</a>
          </p>
        </AppShell>
      );
  }
}
