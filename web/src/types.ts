// Wire shapes of the /api/v1 resources the dashboard reads (docs/reviews-api-contract.md §4; the
// sign-in and session shapes of README "Accounts and sessions").

export type Role = 'owner' | 'admin' | 'member' | 'superadmin';

export interface SessionUser {
  id: string;
  username: string;
  email: string | null;
  role: Role;
  tenantId: string | null;
  mustChangePassword: boolean;
}

export interface Tenant {
  id: string;
  slug: string;
  name: string;
  vertical: string | null;
  websiteUrl: string | null;
  googleMapsUrl: string | null;
  googlePlaceCid: string | null;
  xhsHandle: string | null;
  logoUrl: string | null;
  brandPrimaryColor: string;
  brandAccentColor: string;
  createdAt: string;
  plan: string;
  trialEndsAt: string | null;
  status: 'active' | 'suspended';
}

export interface SessionInfo {
  user: SessionUser;
  tenant: Tenant | null;
  permissions: string[];
  csrfToken: string;
}

export interface Page {
  total: number;
  pagination: { limit: number; offset: number; has_more: boolean };
}

export interface Shop {
  id: string;
  tenantId: string;
  name: string;
  address: string | null;
  googleMapsUrl: string | null;
  googlePlaceCid: string | null;
  googlePlaceId: string | null;
  xhsHandle: string | null;
  isDefault: boolean;
  createdAt: string;
}

export interface Employee {
  id: string;
  tenantId: string;
  shopId: string;
  shopName: string;
  name: string;
  code: string;
  reviewUrl: string;
  active: boolean;
  createdAt: string;
}

export interface Template {
  id: string;
  tenantId: string;
  vertical: string;
  language: string;
  body: string;
  active: boolean;
  sortOrder: number;
  createdAt: string;
}

export interface FeedbackItem {
  sessionId: string;
  shopId: string;
  shopName: string;
  employeeId: string;
  employeeName: string;
  rating: number | null;
  message: string;
  contact: string | null;
  resolved: boolean;
  resolvedAt: string | null;
  createdAt: string;
}

export interface ApiKey {
  id: string;
  kind: 'tenant' | 'platform' | 'user';
  tenantId: string | null;
  name: string | null;
  prefix: string;
  permissions: string[];
  hourlyLimit: number;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
  /** Present where the server reports usage of the current hour. */
  requestsThisHour?: number;
}

export interface Metrics {
  scans: number;
  ratings: number;
  positive: number;
  negative: number;
  reviewClicks: number;
  googleClicks: number;
  xhsClicks: number;
  feedback: number;
  averageRating: number | null;
  ratingRate: number | null;
  reviewRate: number | null;
}

export interface Analytics {
  days: number;
  from: string;
  to: string;
  summary: Metrics & { unresolvedFeedback: number };
  employees: (Metrics & { employeeId: string; name: string; shopId: string; shopName: string })[];
  shops: (Metrics & { shopId: string; name: string })[];
  daily: (Metrics & { date: string })[];
}

export interface TenantSettings {
  timezone: string;
  ratingThreshold: number;
  defaultLanguage: string;
  feedbackContactRetentionDays: number;
  notifyOnNegativeFeedback: boolean;
  brandPrimaryColor: string;
  brandAccentColor: string;
  logoUrl: string | null;
  websiteUrl: string | null;
  googleMapsUrl: string | null;
  googlePlaceCid: string | null;
  xhsHandle: string | null;
}

export interface TenantUser {
  id: string;
  username: string;
  email: string | null;
  role: Role;
  createdAt: string;
  invitedAt: string | null;
  pending: boolean;
}

export interface AuditEntry {
  id: string;
  at: string;
  requestId: string;
  method: string;
  route: string;
  status: number;
  durationMs: number;
  principal: { kind: string; id: string | null; keyPrefix: string | null; userId: string | null } | null;
  tenantId: string | null;
  ip: string | null;
  userAgent: string | null;
}

export interface ProvisionResponse {
  id: string;
  slug: string;
  mode: 'owner' | 'demo';
  loginUsername: string;
  temporaryPassword: string | null;
  shopId: string;
  dashboardUrl: string;
  trialEndsAt: string;
  templatesCreated: number;
}
