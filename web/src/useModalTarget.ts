import { useCallback, useRef, useState } from 'react';

/**
 * What a modal is about (the member to remove, the token to show) stays set until the closing
 * transition ends, so the modal does not go blank while it fades out.
 */
export function useModalTarget<T>() {
  const [target, setTarget] = useState<T | null>(null);
  const [opened, setOpened] = useState(false);
  const openedRef = useRef(false);

  const open = useCallback((value: T) => {
    openedRef.current = true;
    setTarget(value);
    setOpened(true);
  }, []);
  const close = useCallback(() => {
    openedRef.current = false;
    setOpened(false);
  }, []);
  const onExited = useCallback(() => {
    if (!openedRef.current) setTarget(null);
  }, []);

  return { target, opened, open, close, onExited };
}
