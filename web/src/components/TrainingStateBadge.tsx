import { Anchor, Badge } from '@mantine/core';
import { IconDownload } from '@tabler/icons-react';
import { TRAINING_STATE, type TrainingState, trainingApi } from './TrainingApi';

export function TrainingStateBadge({ state, size = 'sm' }: { state: TrainingState; size?: 'xs' | 'sm' | 'md' }) {
  const s = TRAINING_STATE[state];
  return (
    <Badge color={s.color} variant="light" size={size}>
      {s.label}
    </Badge>
  );
}

/** A download link for a passed attempt's certificate (a PDF kept as evidence). */
export function TrainingCertificateLink({ attemptId, label = 'Certificate' }: { attemptId: string; label?: string }) {
  return (
    <Anchor href={trainingApi.certificateUrl(attemptId)} download size="sm">
      <IconDownload size={14} style={{ verticalAlign: 'middle', marginRight: 4 }} aria-hidden />
      {label}
    </Anchor>
  );
}
