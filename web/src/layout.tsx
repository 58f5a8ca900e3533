// The frame around every signed-in page: a skip link, the header with the account menu, the
// navigation (a sidebar on desktop, a menu button on phones), and focus moved to the page on
// every navigation so keyboard and screen-reader users land on the new content.
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { Link, NavLink, useLocation } from './router.tsx';
import { useSession, useSignedIn } from './session.tsx';

export interface NavItem {
  to: string;
  label: string;
  exact?: boolean;
}

export function Shell({ nav, home, area, banner, children }: { nav: NavItem[]; home: string; area: string; banner?: ReactNode; children: ReactNode }) {
  const info = useSignedIn();
  const { signOut } = useSession();
  const { path } = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);

  useEffect(() => {
    setMenuOpen(false);
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.focus({ preventScroll: true });
  }, [path]);

  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <button type="button" className="btn btn-secondary menu-toggle" aria-expanded={menuOpen} aria-controls="nav" onClick={() => setMenuOpen((o) => !o)}>
          Menu
        </button>
        <Link to={home} className="brand">
          orgstack <span className="brand-area">{area}</span>
        </Link>
        <div className="account">
          <span className="who" title={info.user.email ?? undefined}>
            {info.user.username} <span className="badge">{info.user.role}</span>
          </span>
          <button type="button" className="btn btn-link" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <div className="frame">
        <nav id="nav" aria-label={`${area} navigation`} className={menuOpen ? 'open' : undefined}>
          <ul>
            {nav.map((item) => (
              <li key={item.to}>
                <NavLink to={item.to} exact={item.exact}>
                  {item.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <main id="main" ref={main} tabIndex={-1}>
          {banner}
          {children}
        </main>
      </div>
    </div>
  );
}

/** A page heading with optional actions beside it. */
export function PageHeader({ title, children, lead }: { title: string; children?: ReactNode; lead?: ReactNode }) {
  return (
    <div className="page-header">
      <div>
        <h1>{title}</h1>
        {lead && <p className="lead">{lead}</p>}
      </div>
      {children && <div className="page-actions">{children}</div>}
    </div>
  );
}

/** A centered card for the signed-out pages (sign-in, reset password, invitations). */
export function Card({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main id="main" className="center">
      <div className="card narrow">
        <p className="brand">orgstack</p>
        <h1>{title}</h1>
        {children}
      </div>
    </main>
  );
}
