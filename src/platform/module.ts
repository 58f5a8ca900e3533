// How a module (Reviews, Work) plugs into the platform. The platform owns tenants, users, keys,
// mail, events and the request path; a module brings its operations, its public pages, its
// per-node state and what it adds to a tenant when one is created. The platform never imports a
// module: src/modules.ts lists them, and the server hands that list to the runtime and the app.
import type { FastifyInstance } from 'fastify';
import type { Db } from '../db/index.ts';
import type { EventCatalogue } from './events.ts';
import type { AnyOperation } from './operations.ts';
import type { ServiceContext } from './principal.ts';
import type { Runtime } from './runtime.ts';
import type { WorkspaceContext } from './workspace.ts';

export interface Module {
  name: string;
  /** Operations served on /api/v1 (camelCase, the platform's conventions). */
  v1?: AnyOperation[];
  /** Operations served on /api/client (the OrgX-compatible surface), each acting in a workspace. */
  client?: AnyOperation<WorkspaceContext>[];
  /** Routes that are not operations: public pages and assets outside /api. */
  routes?(app: FastifyInstance, rt: Runtime): void;
  /**
   * Creates the module's per-node state on the runtime (its caches and write buffers, declared on
   * Runtime by the module through declaration merging) and starts listening for its notifications.
   */
  start?(rt: Runtime): Promise<void>;
  /** Stops the module's background work (before the last flush, when the node shuts down). */
  stop?(rt: Runtime): Promise<void>;
  /** Writes the module's buffers (every flush interval, on shutdown, and by tests). */
  flush?(rt: Runtime): Promise<void>;
  /** Deletes or erases the module's rows that have outlived their purpose (every ten minutes). */
  purge?(rt: Runtime): Promise<void>;
  /** The event types the module writes (each with its data schema); see event-catalogue.ts. */
  events?: EventCatalogue;
  /** Adds the module's rows to a tenant being created, inside the transaction that creates it. */
  tenantCreated?(tx: Db, tenantId: string, createdAt: Date): Promise<void>;
  /**
   * Adds the module's part of the demo tenant (`orgstack demo`) through its own services, so every
   * change writes its events as in real use. Called after the tenant exists; a throw makes the
   * demo delete the whole tenant again.
   */
  demo?: ModuleDemo;
}

/** The demo tenant a module adds to: its id and its owner (who plans, dispatches and approves). */
export interface DemoTenantRef {
  tenantId: string;
  ownerUserId: string;
}

/** What a module's demo made: counts by kind, and one line for the command's summary. */
export interface ModuleDemoResult {
  counts: Record<string, number>;
  summary: string;
}

export type ModuleDemo = (ctx: ServiceContext, tenant: DemoTenantRef) => Promise<ModuleDemoResult>;
