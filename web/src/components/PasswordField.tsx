import { PasswordInput, type PasswordInputProps } from '@mantine/core';

/**
 * Mantine's toggle is labelled "Toggle password visibility", which makes a label lookup for
 * "Password" ambiguous (for people using voice control as for end-to-end tests).
 */
export function PasswordField(props: PasswordInputProps) {
  return <PasswordInput visibilityToggleButtonProps={{ 'aria-label': 'Show or hide what you typed' }} {...props} />;
}
