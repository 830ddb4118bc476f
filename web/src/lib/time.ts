// Every instant is shown in Beijing time (Asia/Shanghai), whatever the device's zone.
import dayjs, { type Dayjs } from 'dayjs';
import utc from 'dayjs/plugin/utc';
import timezone from 'dayjs/plugin/timezone';
import relativeTime from 'dayjs/plugin/relativeTime';
import 'dayjs/locale/zh-cn';

dayjs.extend(utc);
dayjs.extend(timezone);
dayjs.extend(relativeTime);

export const ZONE = 'Asia/Shanghai';

export function beijing(value: string | Date | Dayjs | null | undefined): Dayjs | null {
  if (!value) return null;
  const parsed = dayjs(value);
  return parsed.isValid() ? parsed.tz(ZONE) : null;
}

export function formatInstant(value: string | null | undefined, withTime = true): string {
  const at = beijing(value);
  if (!at) return '';
  return at.format(withTime ? 'YYYY-MM-DD HH:mm' : 'YYYY-MM-DD');
}

export type DueState = { kind: 'none' } | { kind: 'overdue'; days: number } | { kind: 'today' } | { kind: 'left'; days: number };

/** Whole calendar days between today and the due day, both in Beijing time. */
export function dueState(dueAt: string | null | undefined, now: Dayjs = dayjs()): DueState {
  const due = beijing(dueAt);
  if (!due) return { kind: 'none' };
  const today = now.tz(ZONE).startOf('day');
  const dueDay = due.startOf('day');
  const days = Math.round(dueDay.diff(today, 'day', true));
  if (due.isBefore(now)) return { kind: 'overdue', days: Math.max(0, -days) };
  if (days <= 0) return { kind: 'today' };
  return { kind: 'left', days };
}
