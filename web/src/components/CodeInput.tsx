import { TextInput, type TextInputProps } from '@mantine/core';

/** The six-digit TOTP code field, labelled "Authentication code" everywhere. */
export function CodeInput(props: Omit<TextInputProps, 'label' | 'onChange'> & { onChange: (code: string) => void }) {
  const { onChange, ...rest } = props;
  return (
    <TextInput
      label="Authentication code"
      description="The 6-digit code from your authenticator app"
      inputMode="numeric"
      autoComplete="one-time-code"
      pattern="[0-9]*"
      maxLength={6}
      required
      {...rest}
      onChange={(event) => onChange(event.currentTarget.value.replace(/\D/g, '').slice(0, 6))}
    />
  );
}
