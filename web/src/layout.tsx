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

/** Whose space this is: the business (its name, logo and colour) in the dashboard. */
export interface Brand {
  name: string;
  logoUrl: string | null;
  color: string;
}

export function Shell({ nav, home, area, brand, banner, children }: { nav: NavItem[]; home: string; area: string; brand?: Brand; banner?: ReactNode; children: ReactNode }) {
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
        {brand ? (
          <Link to={home} className="brand brand-tenant" data-testid="brand">
            <BrandMark brand={brand} />
            <span className="brand-name">{brand.name}</span>
            <span className="brand-area">{area}</span>
          </Link>
        ) : (
          <Link to={home} className="brand">
            orgstack <span className="brand-area">{area}</span>
          </Link>
        )}
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

/** The business's logo, or its initial on its brand colour when it has none. */
function BrandMark({ brand }: { brand: Brand }) {
  if (brand.logoUrl) return <img className="brand-logo" src={brand.logoUrl} alt="" width={28} height={28} />;
  const initial = Array.from(brand.name.trim())[0]?.toUpperCase() ?? '?';
  return (
    <svg className="brand-logo" viewBox="0 0 28 28" width={28} height={28} aria-hidden="true" data-testid="brand-initial">
      <rect width="28" height="28" rx="6" fill={brand.color} />
      <text x="14" y="19" textAnchor="middle" fontSize="15" fontWeight="700" fill="#fff">
        {initial}
      </text>
    </svg>
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
