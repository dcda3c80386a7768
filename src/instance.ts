import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/** This process's identity in claims and job runs: host, pid and a random part. */
export const INSTANCE_ID = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
