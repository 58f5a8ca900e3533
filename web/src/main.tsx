// The dashboard SPA: one app for /dashboard/* (tenant users) and /super/* (superadmins).
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Card } from './layout.tsx';
import { Dashboard } from './dashboard.tsx';
import { ForcedChangePassword, SignIn, TokenPage } from './pages/auth.tsx';
import { Link, Redirect, useLocation } from './router.tsx';
import { SessionProvider, useSession } from './session.tsx';
import { Super } from './super.tsx';
import { Button, ErrorBox, Loading } from './ui.tsx';
import './styles.css';
import './components.css';

function Root() {
  const { path } = useLocation();
  const { state, refresh } = useSession();

  // The links in emails work signed out (and sign the user in).
  if (path === '/dashboard/reset-password') return <TokenPage purpose="reset_password" />;
  if (path === '/dashboard/accept-invite') return <TokenPage purpose="invite" />;

  switch (state.status) {
    case 'loading':
      return (
        <main className="center">
          <Loading />
        </main>
      );
    case 'error':
      return (
        <Card title="Cannot load the dashboard">
          <ErrorBox error={state.error} />
          <Button onClick={() => void refresh()}>Try again</Button>
        </Card>
      );
    case 'signed-out':
      return <SignIn notice={state.notice} />;
  }

  const { user } = state.info;
  if (user.mustChangePassword) return <ForcedChangePassword />;
  if (path === '/super' || path.startsWith('/super/')) {
    if (user.role !== 'superadmin') {
      return (
        <Card title="Platform operators only">
          <p>This console is for the platform's superadmins. You are signed in as {user.username}.</p>
          <p>
            <Link to="/dashboard">Go to your dashboard</Link>
          </p>
        </Card>
      );
    }
    return <Super />;
  }
  if (path === '/dashboard/sign-in') return <Redirect to={user.role === 'superadmin' ? '/super' : '/dashboard'} />;
  return <Dashboard />;
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <SessionProvider>
      <Root />
    </SessionProvider>
  </StrictMode>,
);
