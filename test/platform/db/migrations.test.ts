import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrations } from '../../../migrations/index.ts';
import { loadConfig } from '../../../src/platform/config.ts';
import type { Platform } from '../../../src/platform/context.ts';
import type { AnyDb } from '../../../src/platform/db/dialect.ts';
import { migrate, pendingMigrations } from '../../../src/platform/db/migrator.ts';
import { openPlatform } from '../../../src/platform/open.ts';
import { migrateToLatest } from '../../../src/schema.ts';
import { DATABASES, scratch, type Scratch } from '../../support/databases.ts';

const SPINE_TABLES = ['api_key', 'app_user', 'audit_record', 'audit_seal', 'org_unit', 'schema_migrations', 'session', 'user_microgrid'];

describe.each(DATABASES)('migrations on %s', (kind) => {
  let space: Scratch;
  let platform: Platform;

  beforeEach(async () => {
    space = await scratch(kind);
    platform = openPlatform(loadConfig(space.env));
  });
  afterEach(async () => {
    await platform?.database.close();
    await space?.dispose();
  });

  const tables = async () => (await platform.database.db.introspection.getTables()).map((t) => t.name).sort();
  const ledger = async () =>
    (await (platform.database.db as unknown as AnyDb).selectFrom('schema_migrations').select('name').orderBy('name').execute()).map(
      (row: { name: string }) => row.name,
    );

  it('migrations up from empty: an empty database gets the full schema', async () => {
    expect(await tables()).toEqual([]);

    const applied = await migrateToLatest(platform);

    expect(applied).toEqual(migrations.map((m) => m.name));
    expect(await tables()).toEqual(expect.arrayContaining(SPINE_TABLES));
    expect(await pendingMigrations(platform.database, migrations)).toEqual([]);
  });

  it('migrating again applies nothing, and every migration is recorded once', async () => {
    await migrateToLatest(platform);
    const schemaAfterFirst = await tables();

    expect(await migrateToLatest(platform)).toEqual([]);
    expect(await migrateToLatest(platform)).toEqual([]);

    expect(await tables()).toEqual(schemaAfterFirst);
    expect(await ledger()).toEqual(migrations.map((m) => m.name).sort());
  });

  it('a second instance opening the migrated database finds nothing to do', async () => {
    await migrateToLatest(platform);
    const second = openPlatform(loadConfig(space.env));
    try {
      expect(await migrateToLatest(second)).toEqual([]);
    } finally {
      await second.database.close();
    }
    expect(await ledger()).toEqual(migrations.map((m) => m.name).sort());
  });

  // SQLite serves one instance by construction; on PostgreSQL several instances migrate together.
  it.skipIf(kind !== 'postgres')(
    'two instances migrating the empty database at once apply each migration exactly once between them',
    async () => {
      const second = openPlatform(loadConfig(space.env));
      try {
        const [mine, theirs] = await Promise.all([migrateToLatest(platform), migrateToLatest(second)]);
        expect([...mine, ...theirs].sort()).toEqual(migrations.map((m) => m.name).sort());
      } finally {
        await second.database.close();
      }
      expect(await ledger()).toEqual(migrations.map((m) => m.name).sort());
      expect(await tables()).toEqual(expect.arrayContaining(SPINE_TABLES));
    },
  );

  it('a migration that fails half-way leaves neither its tables nor a ledger entry behind', async () => {
    await migrateToLatest(platform);
    const broken = {
      name: '9999_broken',
      up: async (db: AnyDb) => {
        await db.schema
          .createTable('half_done')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .execute();
        await sql`insert into half_done (id) values ('x')`.execute(db);
        throw new Error('the second statement of the migration failed');
      },
    };

    await expect(migrate(platform.database, [...migrations, broken])).rejects.toThrow('the second statement of the migration failed');

    expect(await tables()).not.toContain('half_done');
    expect(await ledger()).not.toContain('9999_broken');
    expect(await pendingMigrations(platform.database, [...migrations, broken])).toEqual(['9999_broken']);
  });
});
