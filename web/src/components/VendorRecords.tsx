import { Anchor, Badge, Button, Card, Group, Stack, Table, Text, Title } from '@mantine/core';
import { IconUpload } from '@tabler/icons-react';
import { DOCUMENT_LABELS, formatDay, OUTCOME_LABELS, type VendorDetail, vendorsApi } from '../api/vendors';
import { formatDate, formatDateTime } from '../format';

/** The vendor page's record tables: reviews, reports and certificates, history. */

export function ReviewsCard({ detail, onRecord }: { detail: VendorDetail; onRecord: () => void }) {
  return (
    <Card withBorder radius="md" padding="lg">
      <Stack>
        <Group justify="space-between">
          <Title order={2} size="h4">
            Reviews
          </Title>
          {detail.canEdit && detail.status !== 'offboarded' && (
            <Button size="xs" onClick={onRecord}>
              Record review
            </Button>
          )}
        </Group>
        {detail.reviews.length === 0 ? (
          <Text size="sm" c="dimmed">
            No review recorded yet. A vendor can only be approved after one.
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={720}>
            <Table verticalSpacing="xs" aria-label="Reviews">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Completed</Table.Th>
                  <Table.Th>Outcome</Table.Th>
                  <Table.Th>Reviewer</Table.Th>
                  <Table.Th>Examined</Table.Th>
                  <Table.Th>Notes</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {detail.reviews.map((r) => {
                  const doc = detail.documents.find((d) => d.id === r.documentId);
                  const examined = [
                    r.questionnaireId ? 'questionnaire answers' : null,
                    doc ? `${DOCUMENT_LABELS[doc.kind]} (${doc.evidence.name})` : null,
                    r.examined || null,
                  ].filter(Boolean);
                  return (
                    <Table.Tr key={r.id}>
                      <Table.Td>{formatDay(r.completedOn)}</Table.Td>
                      <Table.Td>
                        <Badge
                          color={r.outcome === 'rejected' ? 'red' : r.outcome === 'approved' ? 'teal' : 'yellow'}
                          variant="light"
                        >
                          {OUTCOME_LABELS[r.outcome]}
                        </Badge>
                        {r.conditions && (
                          <Text size="xs" c="dimmed">
                            {r.conditions}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>{r.reviewer.name || r.reviewer.email}</Table.Td>
                      <Table.Td>
                        <Text size="sm">{examined.join('; ')}</Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{r.notes || '—'}</Text>
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>
    </Card>
  );
}

export function DocumentsCard({ detail, onUpload }: { detail: VendorDetail; onUpload: () => void }) {
  const mayDownload = detail.history !== null;
  return (
    <Card withBorder radius="md" padding="lg">
      <Stack>
        <Group justify="space-between">
          <Title order={2} size="h4">
            Reports and certificates
          </Title>
          {detail.canEdit && detail.status !== 'offboarded' && (
            <Button size="xs" leftSection={<IconUpload size={14} />} onClick={onUpload}>
              Upload
            </Button>
          )}
        </Group>
        {detail.documents.length === 0 ? (
          <Text size="sm" c="dimmed">
            No document yet. Upload the vendor's SOC 2 report (high-tier vendors need one from the last year).
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={640}>
            <Table verticalSpacing="xs" aria-label="Documents">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Kind</Table.Th>
                  <Table.Th>Period</Table.Th>
                  <Table.Th>File</Table.Th>
                  <Table.Th>Added</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {detail.documents.map((d) => (
                  <Table.Tr key={d.id}>
                    <Table.Td>
                      <Text size="sm">{DOCUMENT_LABELS[d.kind]}</Text>
                      {d.note && (
                        <Text size="xs" c="dimmed">
                          {d.note}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      {d.periodStart ? `${formatDay(d.periodStart)} – ` : ''}
                      {formatDay(d.periodEnd)}
                    </Table.Td>
                    <Table.Td>
                      {mayDownload ? (
                        <Anchor href={vendorsApi.documentUrl(detail.id, d.id)} size="sm">
                          {d.evidence.name}
                        </Anchor>
                      ) : (
                        <Text size="sm">{d.evidence.name}</Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{formatDate(d.createdAt)}</Text>
                      {d.uploadedBy && (
                        <Text size="xs" c="dimmed">
                          {d.uploadedBy}
                        </Text>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>
    </Card>
  );
}

const ACTION_LABELS: Record<string, string> = {
  'vendor.created': 'Added',
  'vendor.updated': 'Edited',
  'vendor.tier_overridden': 'Tier set by hand',
  'vendor.tier_override_cleared': 'Tier back to computed',
  'vendor.in_review': 'Sent to review',
  'vendor.approved': 'Approved',
  'vendor.rejected': 'Rejected',
  'vendor.offboarded': 'Offboarded',
  'vendor.review_recorded': 'Review recorded',
  'vendor.document_added': 'Document added',
  'vendor.questionnaire_created': 'Questionnaire link made',
  'vendor.questionnaire_revoked': 'Questionnaire link withdrawn',
  'vendor.questionnaire_answered': 'Questionnaire answered',
};

export function HistoryCard({ detail }: { detail: VendorDetail }) {
  return (
    <Card withBorder radius="md" padding="lg">
      <Stack>
        <Title order={2} size="h4">
          History
        </Title>
        <Table verticalSpacing="xs" aria-label="History">
          <Table.Tbody>
            {(detail.history ?? []).map((h) => (
              <Table.Tr key={h.id}>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  <Text size="sm">{formatDateTime(h.at)}</Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{ACTION_LABELS[h.action] ?? h.action}</Text>
                  {typeof h.details.comment === 'string' && h.details.comment && (
                    <Text size="xs" c="dimmed">
                      {h.details.comment}
                    </Text>
                  )}
                  {typeof h.details.reason === 'string' && h.details.reason && (
                    <Text size="xs" c="dimmed">
                      {h.details.reason}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Text size="sm" c="dimmed">
                    {h.actor}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Stack>
    </Card>
  );
}
