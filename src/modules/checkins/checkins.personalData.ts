import type { Platform } from '../../platform/context.ts';
import { decryptField, encryptField } from '../../platform/pii/pii.crypto.ts';
import { piiKeysOf } from '../../platform/pii/pii.keys.ts';
import { maskName, maskPhone } from '../../platform/pii/pii.mask.ts';
import type { SubjectRow } from './checkins.repository.ts';
import type { ContactChannel } from './checkins.words.ts';

/**
 * The personal data a care plan adds (DOMAIN.md §10): emergency contacts and health notes, sealed
 * with AES-256-GCM under PII_KEY (the column as authenticated context), shown masked, opened only
 * for an audited reveal or for a message the platform itself sends.
 */

export interface Contact {
  name: string;
  phone: string;
  /** 女儿, 儿子, 邻居...: how they are related; not personal on its own. */
  relation: string | null;
  /** sms: texted by the ladder; phone: to be called by whoever handles the alert. */
  channel: ContactChannel;
}

export interface MaskedContact {
  name: string;
  phone: string;
  relation: string | null;
  channel: ContactChannel;
}

const CONTACTS = 'care_subject.contacts';
const NOTES = 'care_subject.health_notes';

export function sealContacts(platform: Platform, contacts: Contact[]): string | null {
  return contacts.length === 0 ? null : encryptField(piiKeysOf(platform), JSON.stringify(contacts), CONTACTS);
}

export function openContacts(platform: Platform, subject: Pick<SubjectRow, 'contacts_enc'>): Contact[] {
  return subject.contacts_enc ? (JSON.parse(decryptField(piiKeysOf(platform), subject.contacts_enc, CONTACTS)) as Contact[]) : [];
}

export function maskContacts(contacts: Contact[]): MaskedContact[] {
  return contacts.map((c) => ({ name: maskName(c.name), phone: maskPhone(c.phone), relation: c.relation, channel: c.channel }));
}

export function sealNotes(platform: Platform, notes: string | null): string | null {
  return notes ? encryptField(piiKeysOf(platform), notes, NOTES) : null;
}

export function openNotes(platform: Platform, subject: Pick<SubjectRow, 'health_notes_enc'>): string | null {
  return subject.health_notes_enc ? decryptField(piiKeysOf(platform), subject.health_notes_enc, NOTES) : null;
}
