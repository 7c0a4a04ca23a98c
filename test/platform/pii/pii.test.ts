import { describe, expect, it } from 'vitest';
import { blindIndex, decryptField, derivePiiKeys, encryptField, PiiDecryptError } from '../../../src/platform/pii/pii.crypto.ts';
import { maskIdNumber, maskName, maskPhone } from '../../../src/platform/pii/pii.mask.ts';

const keys = derivePiiKeys('a-test-master-key-of-32-characters-x');
const otherKeys = derivePiiKeys('another-master-key-of-32-characters');
const ID = '41080419450312002X';

describe('personal data at rest', () => {
  it('an ID number round-trips, and the stored form shows nothing of it', () => {
    const stored = encryptField(keys, ID, 'resident.id_number');
    expect(stored).toMatch(/^v1:[A-Za-z0-9_-]+$/);
    expect(stored).not.toContain('410804');
    expect(decryptField(keys, stored, 'resident.id_number')).toBe(ID);
  });

  it('the same value encrypts differently each time, so equal ciphertexts give nothing away', () => {
    expect(encryptField(keys, ID, 'resident.id_number')).not.toBe(encryptField(keys, ID, 'resident.id_number'));
  });

  it('a value moved to another column, altered, or read with another key is refused', () => {
    const stored = encryptField(keys, '13812345678', 'resident.phone');
    expect(() => decryptField(keys, stored, 'resident.id_number')).toThrow(PiiDecryptError);
    expect(() => decryptField(otherKeys, stored, 'resident.phone')).toThrow(PiiDecryptError);
    const flipped = stored.slice(0, -2) + (stored.endsWith('A') ? 'BB' : 'AA');
    expect(() => decryptField(keys, flipped, 'resident.phone')).toThrow(PiiDecryptError);
    expect(() => decryptField(keys, 'plain text', 'resident.phone')).toThrow(PiiDecryptError);
  });

  it('the blind index finds an ID number however it was typed, and differs per kind and per key', () => {
    const index = blindIndex(keys, 'id_number', ID);
    expect(blindIndex(keys, 'id_number', '410804 19450312 002x')).toBe(index);
    expect(blindIndex(keys, 'phone', ID)).not.toBe(index);
    expect(blindIndex(otherKeys, 'id_number', ID)).not.toBe(index);
    expect(index).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('masks shown by default', () => {
  it('names keep the surname and, for three characters or more, the last character', () => {
    expect([maskName('张三'), maskName('张小明'), maskName('欧阳小明'), maskName('王')]).toEqual(['张*', '张*明', '欧**明', '*']);
  });

  it('ID numbers keep the area code and the last four', () => {
    expect(maskIdNumber(ID)).toBe('410804********002X');
    expect(maskIdNumber('123')).toBe('***');
  });

  it('mobile numbers keep the first three and the last four', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('351 2345')).toBe('***2345');
  });
});
