import { Policy } from '../identity/policy.js';

/** The working calendar is read by anyone (deadlines are public); admins change it. */
export const calendarPolicy = new Policy('calendar').allow(['admin'], ['edit']);
