import { authorize } from '../../../platform/authz/policy.ts';
import { runAudited, type By } from '../../../platform/command.ts';
import type { Platform } from '../../../platform/context.ts';
import { isUniqueViolation } from '../../../platform/db/dialect.ts';
import { conflict, notFound } from '../../../platform/http/errors.ts';
import { createApiKey, revokeApiKey } from '../../accounts/commands/apiKeys.ts';
import { visibleSubject } from '../checkins.access.ts';
import { findDevice, insertDevice, retireDeviceRow, type DeviceRow } from '../checkins.repository.ts';
import type { DeviceKind } from '../checkins.words.ts';

export interface NewDevice {
  subjectId: string;
  /** The device's own id, as in its MQTT topic. */
  deviceId: string;
  kind: DeviceKind;
  name?: string;
}

/**
 * Registers a device for a subject and issues its device API key (purpose `device`, scoped to the
 * subject's micro-grid), shown once. The key is what the device presents over HTTP; over MQTT the
 * broker's own authentication applies and the topic names the device.
 */
export async function registerDevice(platform: Platform, by: By, input: NewDevice): Promise<{ device: DeviceRow; key: string }> {
  const subject = await visibleSubject(platform.database.db, by.actor, input.subjectId);
  authorize(by.actor, 'checkin.devices', subject.microgrid_code);
  if (subject.removed_at !== null) throw conflict('checkin.not_enrolled', 'This person is no longer under care.');
  if (await findDevice(platform.database.db, input.deviceId))
    throw conflict('checkin.device_taken', 'A device with this id is registered already.');
  const { key, row } = await createApiKey(platform, by, {
    name: `设备 ${input.deviceId}`,
    purpose: 'device',
    scopeCode: subject.microgrid_code,
  });
  const device: DeviceRow = {
    id: input.deviceId,
    subject_id: subject.id,
    kind: input.kind,
    name: input.name?.trim() || input.deviceId,
    api_key_id: row.id,
    created_at: platform.clock.now().toISOString(),
    retired_at: null,
  };
  try {
    await runAudited(platform, by, async (trx) => {
      await insertDevice(trx, device);
      return {
        result: null,
        audit: {
          action: 'checkin.device',
          objectType: 'care_device',
          objectId: device.id,
          summary: { subjectId: subject.id, kind: device.kind, apiKeyId: row.id },
        },
      };
    });
  } catch (error) {
    // Registered by someone else meanwhile: the key just made must not outlive its device.
    await revokeApiKey(platform, by, row.id).catch(() => undefined);
    if (isUniqueViolation(error)) throw conflict('checkin.device_taken', 'A device with this id is registered already.');
    throw error;
  }
  return { device, key };
}

/** Retires a subject's device and revokes its key: its signals are refused from now on. */
export async function retireDevice(platform: Platform, by: By, subjectId: string, deviceId: string): Promise<DeviceRow> {
  const device = await findDevice(platform.database.db, deviceId);
  if (!device || device.subject_id !== subjectId) throw notFound('care_device', deviceId);
  const subject = await visibleSubject(platform.database.db, by.actor, device.subject_id).catch(() => {
    throw notFound('care_device', deviceId);
  });
  authorize(by.actor, 'checkin.devices', subject.microgrid_code);
  const at = platform.clock.now().toISOString();
  await runAudited(platform, by, async (trx) => {
    if (!(await retireDeviceRow(trx, deviceId, at))) throw conflict('checkin.device_retired', 'This device is retired already.');
    return { result: null, audit: { action: 'checkin.device_retire', objectType: 'care_device', objectId: deviceId, summary: {} } };
  });
  if (device.api_key_id) await revokeApiKey(platform, by, device.api_key_id);
  return { ...device, retired_at: at };
}
