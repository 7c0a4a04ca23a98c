import type { AlertKind, AwayReason, CheckState, DeviceKind, Outcome, SignalType, WindowName } from './checkins.words.ts';

/**
 * A person under care (关爱对象) and their plan (DOMAIN.md §5). The person is a resident of the
 * registry; their name, phone and address stay there. What the plan adds that is personal (the
 * emergency contacts, health notes) is encrypted here (`*_enc`).
 */
export interface CareSubjectTable {
  id: string;
  resident_id: string;
  /** The resident's micro-grid, repeated so scoped queries filter on one column (refreshed daily). */
  microgrid_code: string;
  /** Local `HH:MM` in TZ_BUSINESS: the window opens at start, its deadline is end. */
  morning_start: string;
  morning_end: string;
  evening_start: string | null;
  evening_end: string | null;
  /** JSON array of the signal types that count for the daily check. */
  signals: string;
  /** Litres since the window opened that count as a sign of life; null: the district's setting. */
  water_litres: number | null;
  /** kWh above the night's baseline since the window opened; null: the district's setting. */
  power_kwh: number | null;
  /** Encrypted JSON array of {name, phone, relation, channel}, in the order they are to be tried. */
  contacts_enc: string | null;
  health_notes_enc: string | null;
  /** SHA-256 (hex) of the subject's personal "I'm fine" link token; the token itself is never stored. */
  link_hash: string | null;
  link_issued_at: string | null;
  enrolled_via: 'staff' | 'tags';
  /**
   * Windows whose deadline is before this are never planned: set when the subject joins (again) and
   * when the plan's windows change, so nobody is alerted for a deadline from before their plan.
   */
  planned_from: string;
  /** Taken off the roster (kept for the history); null while under care. */
  removed_at: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

/** A time away (in hospital, staying with family) that pauses the plan: checks due inside it are `away`. */
export interface CareAwayTable {
  id: string;
  subject_id: string;
  starts_at: string;
  ends_at: string;
  reason: AwayReason;
  note: string | null;
  created_by: string | null;
  created_at: string;
}

/** A device reporting for a subject (door, curtain, water, power, panic button), with its device API key. */
export interface CareDeviceTable {
  /** The device's own id, as in its MQTT topic `wangge/devices/<id>/events`. */
  id: string;
  subject_id: string;
  kind: DeviceKind;
  name: string;
  api_key_id: string | null;
  created_at: string;
  retired_at: string | null;
}

/** One subject's check of one day and window: waiting → safe | away | alerted → resolved. */
export interface CareCheckTable {
  id: string;
  subject_id: string;
  microgrid_code: string;
  /** The business day (YYYY-MM-DD in TZ_BUSINESS). */
  day: string;
  window_name: WindowName;
  opens_at: string;
  /** The deadline: no sign of life by then raises an alert. */
  due_at: string;
  state: CheckState;
  /** When the sign of life that made the day safe happened, and what it was. */
  safe_at: string | null;
  safe_via: SignalType | null;
  created_at: string;
  updated_at: string;
  version: number;
}

/**
 * An alert: a missed check (one per check), or a panic button (one per signal). It climbs a ladder
 * of recipients until someone acknowledges it, stops climbing when a late sign of life arrives, and
 * ends with the outcome a person recorded.
 */
export interface CareAlertTable {
  id: string;
  kind: AlertKind;
  /** The missed check (unique); null for a panic. */
  check_id: string | null;
  /** `<origin>|<message id>` of the panic signal (unique); null for a missed check. */
  signal_key: string | null;
  subject_id: string;
  microgrid_code: string;
  day: string;
  window_name: WindowName | null;
  /** The deadline that passed (or the panic's moment): rungs and the overdue flag count from it. */
  due_at: string;
  raised_at: string;
  /** Minutes between the deadline and the raising: the gap when the server was down. */
  late_minutes: number;
  /** Rungs climbed: 0 the caretaker only; each climb adds one. */
  rung: number;
  /** When the next rung falls due; null once acknowledged, signalled, resolved or at the top. */
  next_rung_at: string | null;
  /** When the alert is overdue without an outcome; null once flagged, signalled or resolved. */
  overdue_due_at: string | null;
  overdue_at: string | null;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
  /** A late sign of life: the climb stopped, everyone told, the caretaker to confirm. */
  signal_at: string | null;
  signal_type: SignalType | null;
  outcome: Outcome | null;
  outcome_note: string | null;
  outcome_by: string | null;
  outcome_at: string | null;
  /** 1 while a care case is to be opened for the outcome and is not yet; the case once open. */
  case_wanted: number;
  case_id: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

/**
 * The timeline of an alert: raise, each rung, overdue, acknowledgement, late signal, outcome, case.
 * The primary key (alert, step) lets each step happen exactly once, whichever instance gets there.
 */
export interface CareAlertEventTable {
  alert_id: string;
  /** `raise`, `rung:1`.., `overdue`, `ack`, `signal`, `outcome`, `case`. */
  step: string;
  at: string;
  actor_id: string | null;
  actor_label: string;
  /** JSON: recipients ({unit}|{user}|{contact: index}), lateMinutes, outcome, ... never a phone or a name. */
  details: string;
}

/** A signal as received. `(origin, message_id)` is the message's identity: a repeat changes nothing. */
export interface CareSignalTable {
  /** The device id for devices, else the channel (`tick`, `link`, `sms`, ...). */
  origin: string;
  message_id: string;
  subject_id: string;
  device_id: string | null;
  type: SignalType;
  /** When it happened (the device's or the sender's time), ISO UTC. */
  ts: string;
  received_at: string;
  /** Meter readings, cumulative, in litres (water) or kWh (power). */
  value: number | null;
  source: string;
  /** The account that ticked, for ticks. */
  actor_id: string | null;
  /** What it did: safe, late, panic, below_threshold, not_counted, already_safe, no_window, ... */
  effect: string;
  check_id: string | null;
}

/** Rejected signals per day (TZ_BUSINESS), channel and reason: counted, never stored. */
export interface CareSignalRejectionTable {
  day: string;
  channel: string;
  reason: string;
  count: number;
}

/** The district's settings of the curtain pact (one row, JSON; defaults in checkins.settings.ts). */
export interface CareSettingTable {
  id: number;
  settings: string;
  updated_at: string;
  version: number;
}

declare module '../../platform/db/database.ts' {
  interface Tables {
    care_subject: CareSubjectTable;
    care_away: CareAwayTable;
    care_device: CareDeviceTable;
    care_check: CareCheckTable;
    care_alert: CareAlertTable;
    care_alert_event: CareAlertEventTable;
    care_signal: CareSignalTable;
    care_signal_rejection: CareSignalRejectionTable;
    care_setting: CareSettingTable;
  }
}
