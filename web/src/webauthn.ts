import { startAuthentication, startRegistration, WebAuthnError } from '@simplewebauthn/browser';
import { api, type StageResult, type WebauthnCredential } from './api';

function explain(error: unknown): Error {
  if (error instanceof WebAuthnError && error.code === 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED') {
    return new Error('This security key is already registered to your account.');
  }
  if (error instanceof Error && error.name === 'NotAllowedError') {
    return new Error('The security key request was cancelled or timed out. Try again.');
  }
  return error instanceof Error ? error : new Error('The security key could not be used.');
}

async function browserStep<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    throw explain(error);
  }
}

/** Second-factor sign-in with a registered security key or passkey. */
export async function signInWithSecurityKey(): Promise<StageResult> {
  const optionsJSON = await api.mfaWebauthnOptions();
  const response = await browserStep(() => startAuthentication({ optionsJSON }));
  return api.mfaWebauthn(response);
}

export async function registerSecurityKey(name: string): Promise<WebauthnCredential> {
  const optionsJSON = await api.webauthnRegisterOptions();
  const response = await browserStep(() => startRegistration({ optionsJSON }));
  return api.webauthnRegister(name, response);
}
