import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/platform/config.ts';

describe('configuration from the environment', () => {
  it('has documented defaults for everything', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      dataDir: './data',
      timeZone: 'Asia/Shanghai',
      logLevel: 'info',
      demoAllowed: true,
      demoPassword: 'wangge-demo',
      orgCodeWidths: [6, 9, 12, 15, 17],
    });
    expect(config.databaseUrl).toBeUndefined();
  });

  it('names every bad variable in one clear message', () => {
    const bad = { PORT: 'eighty', DATABASE_URL: 'mysql://x', TZ_BUSINESS: 'Mars/Olympus', WANGGE_DEMO: 'maybe', SESSION_SECRET: 'short' };
    expect(() => loadConfig(bad)).toThrow(ConfigError);
    try {
      loadConfig(bad);
    } catch (error) {
      const message = (error as Error).message;
      for (const name of Object.keys(bad)) expect(message).toContain(name);
    }
  });

  it('accepts other code widths for places that number grids differently', () => {
    expect(loadConfig({ ORG_CODE_WIDTHS: '6,9,12,14,16' }).orgCodeWidths).toEqual([6, 9, 12, 14, 16]);
    expect(() => loadConfig({ ORG_CODE_WIDTHS: '6,9,9,14,16' })).toThrow(/ORG_CODE_WIDTHS/);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' })).toMatchObject({ port: 3000, databaseUrl: undefined });
  });
});
