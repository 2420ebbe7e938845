export * from './fields.ts';
export * from './emails.ts';
export * from './messages.ts';
export * from './errors.ts';
export * from './admin.ts';
