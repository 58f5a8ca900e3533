import { PageHeader } from '../layout.tsx';
import { Link, useTitle } from '../router.tsx';

export function NotFound({ home }: { home: string }) {
  useTitle('Not found');
  return (
    <>
      <PageHeader title="Page not found" />
      <p>
        There is no page at this address. <Link to={home}>Go to the start page</Link>.
      </p>
    </>
  );
}
