// `orgstack help`: the usage every command's mistakes also point to.
export const HELP = `orgstack — self-hostable platform for service businesses and their AI agents

Usage: orgstack <command> [options]      (from a checkout: npm run cli -- <command>)

  serve                                  start the server (the default command)
  migrate                                apply database migrations and exit
  keys create --platform                 mint a platform key
  keys create --tenant <id|slug>         mint a tenant key
  keys create --user <username>          mint a user key (oxk_) for a tenant user
      [--name <text>] [--permissions a,b] [--limit <per hour>] [--expires <ISO date>]
  keys list [--tenant <id|slug>]         list keys (never the secrets)
  keys revoke <id|prefix>                revoke a key on every node within seconds
  keys roll <id|prefix> [--overlap 24h]  issue a new key; the old one lives for the overlap
  users reset-password <username>        set a new generated password and print it once
  audit tail [--tenant <id|slug>] [--key <id|prefix>] [--limit N] [--follow]
                                         print the newest audit rows (--follow keeps polling)
  demo [--name <text>] [--seed N]        create a demo tenant (two shops, 12 employees, 90 days
                                         of reviews and feedback) and print its sign-in once

Configuration comes from the environment (see README). DATABASE_URL selects PostgreSQL;
otherwise the embedded database in DATA_DIR (default ./data) is used.`;
