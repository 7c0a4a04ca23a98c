/** The words of the curtain pact (窗帘之约, DOMAIN.md §5): signals, states, outcomes, and their Chinese names. */

/** Every kind of sign of life, and the panic button. */
export const SIGNAL_TYPES = ['tick', 'link', 'sms', 'door', 'curtain', 'water', 'power', 'panic'] as const;
export type SignalType = (typeof SIGNAL_TYPES)[number];

/** What devices send. */
export const DEVICE_SIGNAL_TYPES = ['door', 'curtain', 'water', 'power', 'panic'] as const;
export type DeviceSignalType = (typeof DEVICE_SIGNAL_TYPES)[number];

/** Meters: a reading counts once consumption since the window opened crosses the plan's threshold. */
export const METER_TYPES: readonly SignalType[] = ['water', 'power'];

/** A device reports one type; a hub reports any device type. */
export const DEVICE_KINDS = ['door', 'curtain', 'water', 'power', 'panic', 'hub'] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];

export const WINDOWS = ['morning', 'evening'] as const;
export type WindowName = (typeof WINDOWS)[number];

export const CHECK_STATES = ['waiting', 'safe', 'away', 'alerted', 'resolved'] as const;
export type CheckState = (typeof CHECK_STATES)[number];

export const ALERT_KINDS = ['missed', 'panic'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export const AWAY_REASONS = ['hospital', 'with_family', 'other'] as const;
export type AwayReason = (typeof AWAY_REASONS)[number];

/** How an alert ended, recorded by a person (DOMAIN.md §5). */
export const OUTCOMES = ['safe', 'overslept', 'away', 'ill', 'hospital', 'dead', 'device_fault'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** Outcomes that open a care case (category 1101 独居老人安全) and tell the command centre. */
export const SERIOUS_OUTCOMES: readonly Outcome[] = ['ill', 'hospital', 'dead'];
/** Outcomes in which the subject was fine after all: the alert was a false alarm. */
export const FALSE_ALARMS: readonly Outcome[] = ['safe', 'overslept', 'away', 'device_fault'];

/** The case category and its filing condition per serious outcome (cases.catalogue.ts). */
export const CARE_CATEGORY = '1101';
export const CARE_CONDITIONS: Partial<Record<Outcome, string>> = { ill: '110101', hospital: '110101', dead: '110103' };

/** Residents with these tags may be enrolled in bulk. */
export const CARE_TAGS = ['living_alone', 'elderly', 'disabled', 'orphan'] as const;
export type CareTag = (typeof CARE_TAGS)[number];

export const CONTACT_CHANNELS = ['sms', 'phone'] as const;
export type ContactChannel = (typeof CONTACT_CHANNELS)[number];

/** Why a signal was refused: stable codes, counted per day (care_signal_rejection). */
export const REJECTION_REASONS = [
  'malformed',
  'future_timestamp',
  'negative_reading',
  'bad_unit',
  'unknown_device',
  'unknown_subject',
  'unknown_sender',
  'ambiguous_sender',
  'type_not_supported',
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

export const SIGNAL_NAMES: Record<SignalType, string> = {
  tick: '网格员确认',
  link: '平安链接',
  sms: '短信回复',
  door: '门磁',
  curtain: '窗帘',
  water: '水表',
  power: '电表',
  panic: '紧急按钮',
};

export const WINDOW_NAMES: Record<WindowName, string> = { morning: '早间', evening: '晚间' };

export const OUTCOME_NAMES: Record<Outcome, string> = {
  safe: '平安',
  overslept: '睡过头',
  away: '外出/在亲属家',
  ill: '身体不适',
  hospital: '已送医',
  dead: '已离世',
  device_fault: '设备故障',
};
