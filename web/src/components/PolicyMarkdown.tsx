import { Typography } from '@mantine/core';
import MarkdownIt from 'markdown-it';
import { useMemo } from 'react';

// Raw HTML in a policy is shown as text, never run: markdown-it escapes it when html is off,
// and its link check refuses javascript: and similar addresses.
const md = new MarkdownIt({ html: false, linkify: true, typographer: false });

/** A policy's Markdown as formatted text. */
export function PolicyMarkdown({ source }: { source: string }) {
  const html = useMemo(() => md.render(source), [source]);
  return (
    <Typography>
      {/* biome-ignore lint/security/noDangerouslySetInnerHtml: markdown-it with html disabled escapes all markup */}
      <div dangerouslySetInnerHTML={{ __html: html }} />
    </Typography>
  );
}

export const POLICY_STATUS: Record<string, { label: string; color: string }> = {
  draft: { label: 'Draft', color: 'gray' },
  in_review: { label: 'In review', color: 'yellow' },
  approved: { label: 'Approved', color: 'blue' },
  published: { label: 'Published', color: 'teal' },
};
