import { describe, expect, it } from 'vitest';
import { beijingDay, changed, moved, personLabel, withPhrase } from '../lib/handover';

describe('the stock-phrase editor', () => {
  it('moves a phrase up and down, never out of the list', () => {
    expect(moved(['甲', '乙', '丙'], 2, -1)).toEqual(['甲', '丙', '乙']);
    expect(moved(['甲', '乙', '丙'], 0, 1)).toEqual(['乙', '甲', '丙']);
    expect(moved(['甲', '乙'], 0, -1)).toEqual(['甲', '乙']);
    expect(moved(['甲', '乙'], 1, 1)).toEqual(['甲', '乙']);
  });

  it('adds a trimmed new phrase, refusing empty, repeated, too long and the 31st', () => {
    expect(withPhrase(['同意。'], ' 情况属实。 ')).toEqual(['同意。', '情况属实。']);
    expect(withPhrase(['同意。'], '同意。')).toBeNull();
    expect(withPhrase([], '   ')).toBeNull();
    expect(withPhrase([], '字'.repeat(101))).toBeNull();
    expect(withPhrase(Array.from({ length: 30 }, (_, i) => `第${i}条`), '再一条')).toBeNull();
  });

  it('marks unsaved changes, order included', () => {
    expect(changed(['甲', '乙'], ['甲', '乙'])).toBe(false);
    expect(changed(['甲', '乙'], ['乙', '甲'])).toBe(true);
    expect(changed(['甲'], [])).toBe(true);
  });
});

describe('absences', () => {
  it('takes today from the server\'s instant in Beijing time, whatever the device zone', () => {
    expect(beijingDay('2026-03-01T17:30:00Z')).toBe('2026-03-02'); // 01:30 the next day in Beijing
    expect(beijingDay('2026-03-02T10:00:00+08:00')).toBe('2026-03-02');
  });

  it('names people with their login id', () => {
    expect(personLabel('王网格员', 'wang')).toBe('王网格员（wang）');
    expect(personLabel('wang', 'wang')).toBe('wang');
  });
});
