// Small pure helpers of the absence, hand-over and stock-phrase pages (tested in src/test/handover.test.ts).
import dayjs from 'dayjs';
import { formatInstant } from './time';

/** The Beijing calendar day of an instant, YYYY-MM-DD (the engine's "today" comes from the server's clock). */
export function beijingDay(instant: string | null | undefined): string {
  return formatInstant(instant, false);
}

/** A Beijing calendar day (YYYY-MM-DD, as the engine gives dates) for a sentence: 12月5日 / Dec 5, with the year when
 * asked (the banner of a stand-in). Read as the date it is, never moved through the device's zone. */
export function formatDay(day: string, language: string, withYear = false): string {
  const parsed = dayjs(day.slice(0, 10)); // a date alone parses as that day, local
  if (!parsed.isValid()) return day;
  if (language === 'en') return parsed.locale('en').format(withYear ? 'MMM D, YYYY' : 'MMM D');
  return parsed.format(withYear ? 'YYYY年M月D日' : 'M月D日');
}

/** A day picker's day as the engine takes it: the calendar day the person chose, YYYY-MM-DD. */
export function pickedDay(day: { format: (pattern: string) => string }): string {
  return day.format('YYYY-MM-DD');
}

/** The list with the item at `index` moved by `delta` places (unchanged when it would leave the list). */
export function moved<T>(list: readonly T[], index: number, delta: number): T[] {
  const target = index + delta;
  if (index < 0 || index >= list.length || target < 0 || target >= list.length) return [...list];
  const next = [...list];
  const [item] = next.splice(index, 1);
  next.splice(target, 0, item);
  return next;
}

export const MAX_PHRASES = 30;
export const MAX_PHRASE_LENGTH = 100;

/** A phrase added at the end: trimmed, not empty, not already there, within the limits; null when refused. */
export function withPhrase(list: readonly string[], text: string): string[] | null {
  const phrase = text.trim();
  if (!phrase || phrase.length > MAX_PHRASE_LENGTH || list.includes(phrase) || list.length >= MAX_PHRASES) return null;
  return [...list, phrase];
}

/** Whether two phrase lists differ (the editor's unsaved mark). */
export function changed(a: readonly string[], b: readonly string[]): boolean {
  return a.length !== b.length || a.some((x, i) => x !== b[i]);
}

/** The person's name with their login id, as lists of people show them. */
export function personLabel(name: string | null | undefined, id: string): string {
  return name && name !== id ? `${name}（${id}）` : id;
}
