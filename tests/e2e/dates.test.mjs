// The date helpers of lib/setup.mjs at the edges the browser tests meet:
// the evening of a month's last day (UTC) is already the next month in
// Vietnam, February in common and leap years, the turn of the year. No
// server or browser: these are plain functions of an instant.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { vnDate, vnMonth } from './lib/setup.mjs';

const at = (iso) => Date.parse(iso);

test('today in Vietnam, whatever the machine\'s time zone', () => {
  assert.equal(vnDate(0, at('2026-11-30T16:59:59Z')), '2026-11-30');
  assert.equal(vnDate(0, at('2026-11-30T17:00:00Z')), '2026-12-01');
  assert.equal(vnDate(-1, at('2026-11-30T17:00:00Z')), '2026-11-30');
  assert.equal(vnDate(1, at('2026-12-31T17:00:00Z')), '2027-01-02');
});

test('months relative to this one, from the last day of a month', () => {
  const before = at('2026-11-30T12:00:00Z'); // 19:00 in Vietnam, still November
  assert.deepEqual(vnMonth(0, before), { first: '2026-11-01', last: '2026-11-30', year: 2026, month: 11 });
  assert.deepEqual(vnMonth(-1, before), { first: '2026-10-01', last: '2026-10-31', year: 2026, month: 10 });
  assert.deepEqual(vnMonth(-2, before), { first: '2026-09-01', last: '2026-09-30', year: 2026, month: 9 });
  const after = at('2026-11-30T18:00:00Z'); // 01:00 on 1 December in Vietnam
  assert.deepEqual(vnMonth(0, after), { first: '2026-12-01', last: '2026-12-31', year: 2026, month: 12 });
  assert.deepEqual(vnMonth(-1, after), { first: '2026-11-01', last: '2026-11-30', year: 2026, month: 11 });
});

test('February, leap years and the turn of the year', () => {
  // 31 March minus one month is February, not 3 March.
  assert.deepEqual(vnMonth(-1, at('2027-03-31T05:00:00Z')), { first: '2027-02-01', last: '2027-02-28', year: 2027, month: 2 });
  assert.deepEqual(vnMonth(-1, at('2028-03-31T05:00:00Z')), { first: '2028-02-01', last: '2028-02-29', year: 2028, month: 2 });
  assert.deepEqual(vnMonth(-2, at('2027-01-15T05:00:00Z')), { first: '2026-11-01', last: '2026-11-30', year: 2026, month: 11 });
  assert.deepEqual(vnMonth(1, at('2026-12-31T16:00:00Z')), { first: '2027-01-01', last: '2027-01-31', year: 2027, month: 1 });
});
