export * from './enums.ts';
export * from './sources.ts';
export * from './api-keys.ts';
export * from './meta.ts';
export * from './items.ts';
export * from './job-runs.ts';
export * from './announcements.ts';
export * from './digests.ts';
