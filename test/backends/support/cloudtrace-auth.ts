/**
 * Credentials for the stand-in: an OAuth2 client holding a fixed access token that never expires,
 * so Google's client sends `Authorization: Bearer …` without looking for Application Default
 * Credentials on this machine (or a metadata server).
 */
import { auth } from '@googleapis/cloudtrace';

export function fixedTokenAuth(token = 'stand-in-token') {
  const client = new auth.OAuth2();
  client.setCredentials({ access_token: token, expiry_date: Date.now() + 24 * 3_600_000 });
  return client;
}
