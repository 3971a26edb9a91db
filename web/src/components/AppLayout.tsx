import { AppShell, Avatar, Burger, Button, Group, Menu, NavLink, ScrollArea, Select, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import {
  IconActivityHeartbeat,
  IconAlertTriangle,
  IconBuilding,
  IconBuildingStore,
  IconCertificate,
  IconChartBar,
  IconChecklist,
  IconChevronDown,
  IconClipboardCheck,
  IconClipboardList,
  IconFileCertificate,
  IconFileCheck,
  IconFileLock,
  IconFileText,
  IconGauge,
  IconGavel,
  IconIdBadge,
  IconInbox,
  IconKey,
  IconLifebuoy,
  IconListCheck,
  IconListDetails,
  IconLockAccess,
  IconLogout,
  IconMessageQuestion,
  IconReportSearch,
  IconSchool,
  IconServer,
  IconShieldLock,
  IconSignature,
  IconUrgent,
  IconUserCheck,
  IconUsers,
  IconWorld,
} from '@tabler/icons-react';
import { type ReactNode, useState } from 'react';
import { Link, Outlet, useLocation, useNavigate } from 'react-router-dom';
import { api, errorMessage, type Me } from '../api';
import { capitalise } from '../format';
import { isManager, useSession } from '../session';
import { CreateOrganisationForm } from './CreateOrganisationForm';
import { Logo } from './Logo';
import { NotificationBell } from './NotificationBell';

interface NavItem {
  to: string;
  label: string;
  icon: ReactNode;
  show: (me: Me) => boolean;
}

interface NavGroup {
  /** A heading above the group; null for the first, personal one. */
  label: string | null;
  items: NavItem[];
}

const always = () => true;
const inOrg = (me: Me) => me.organisation !== null;
const doer = (me: Me) => me.organisation !== null && me.role !== 'auditor';
const managerOrAuditor = (me: Me) => isManager(me) || me.role === 'auditor';

/** The navigation in groups, so a long list still reads at a glance; a group without a visible entry is hidden. */
const NAV: NavGroup[] = [
  {
    label: null,
    items: [
      { to: '/', label: 'Dashboard', icon: <IconGauge size={18} />, show: inOrg },
      { to: '/my-work', label: 'My work', icon: <IconInbox size={18} />, show: doer },
      { to: '/my-tasks', label: 'My tasks', icon: <IconClipboardCheck size={18} />, show: doer },
      { to: '/my-policies', label: 'My policies', icon: <IconFileCheck size={18} />, show: doer },
    ],
  },
  {
    label: 'Program',
    items: [
      { to: '/frameworks', label: 'Frameworks', icon: <IconCertificate size={18} />, show: inOrg },
      { to: '/readiness', label: 'Readiness', icon: <IconChartBar size={18} />, show: inOrg },
      { to: '/controls', label: 'Controls', icon: <IconChecklist size={18} />, show: inOrg },
      { to: '/monitoring', label: 'Monitoring', icon: <IconActivityHeartbeat size={18} />, show: inOrg },
      { to: '/coverage', label: 'Seed coverage', icon: <IconListCheck size={18} />, show: inOrg },
      { to: '/policies', label: 'Policies', icon: <IconFileText size={18} />, show: inOrg },
      { to: '/evidence', label: 'Evidence', icon: <IconFileCertificate size={18} />, show: inOrg },
      { to: '/tasks', label: 'Evidence tasks', icon: <IconClipboardList size={18} />, show: managerOrAuditor },
    ],
  },
  {
    label: 'People and access',
    items: [
      { to: '/people', label: 'People', icon: <IconIdBadge size={18} />, show: managerOrAuditor },
      { to: '/training', label: 'Training', icon: <IconSchool size={18} />, show: inOrg },
      { to: '/agreement', label: 'Agreement', icon: <IconSignature size={18} />, show: inOrg },
      { to: '/systems', label: 'Systems', icon: <IconServer size={18} />, show: inOrg },
      { to: '/access-requests', label: 'Access requests', icon: <IconLockAccess size={18} />, show: inOrg },
      { to: '/access-reviews', label: 'Access reviews', icon: <IconUserCheck size={18} />, show: inOrg },
    ],
  },
  {
    label: 'Risk and operations',
    items: [
      { to: '/vendors', label: 'Vendors', icon: <IconBuildingStore size={18} />, show: inOrg },
      { to: '/risks', label: 'Risks', icon: <IconAlertTriangle size={18} />, show: inOrg },
      { to: '/incidents', label: 'Incidents', icon: <IconUrgent size={18} />, show: inOrg },
      { to: '/assessments', label: 'Assessments', icon: <IconReportSearch size={18} />, show: inOrg },
      { to: '/continuity', label: 'Continuity', icon: <IconLifebuoy size={18} />, show: inOrg },
    ],
  },
  {
    label: 'Publish and prove',
    items: [
      { to: '/trust-center', label: 'Trust center', icon: <IconWorld size={18} />, show: isManager },
      { to: '/trust-center/documents', label: 'Trust documents', icon: <IconFileLock size={18} />, show: isManager },
      { to: '/questionnaires', label: 'Questionnaires', icon: <IconMessageQuestion size={18} />, show: isManager },
      { to: '/audits', label: 'Audits', icon: <IconGavel size={18} />, show: managerOrAuditor },
    ],
  },
  {
    label: 'Administration',
    items: [
      { to: '/members', label: 'Members', icon: <IconUsers size={18} />, show: isManager },
      { to: '/audit', label: 'Audit log', icon: <IconListDetails size={18} />, show: isManager },
      { to: '/tokens', label: 'API tokens', icon: <IconKey size={18} />, show: inOrg },
      { to: '/settings/security', label: 'Security settings', icon: <IconShieldLock size={18} />, show: always },
      { to: '/settings/organisation', label: 'Organisation', icon: <IconBuilding size={18} />, show: always },
    ],
  },
];

export function AppLayout() {
  const { me } = useSession();
  const location = useLocation();
  const [navOpened, nav] = useDisclosure(false);
  const needsOrganisation = me.organisation === null && !location.pathname.startsWith('/settings/');

  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 240, breakpoint: 'sm', collapsed: { mobile: !navOpened } }}
      padding="lg"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={navOpened} onClick={nav.toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
            <Logo />
          </Group>
          <Group gap="sm" wrap="nowrap">
            <OrganisationSwitcher />
            {me.organisation !== null && <NotificationBell />}
            <UserMenu />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="sm" aria-label="Main navigation">
        <AppShell.Section grow component={ScrollArea}>
          {NAV.map((group) => {
            const items = group.items.filter((item) => item.show(me));
            if (items.length === 0) return null;
            return (
              <div key={group.label ?? 'me'}>
                {group.label && (
                  <Text size="xs" fw={600} c="dimmed" tt="uppercase" px="sm" pt="md" pb={4}>
                    {group.label}
                  </Text>
                )}
                {items.map((item) => (
                  <NavLink
                    key={item.to}
                    component={Link}
                    to={item.to}
                    label={item.label}
                    leftSection={item.icon}
                    active={item.to === '/' ? location.pathname === '/' : location.pathname.startsWith(item.to)}
                    onClick={nav.close}
                  />
                ))}
              </div>
            );
          })}
        </AppShell.Section>
      </AppShell.Navbar>
      <AppShell.Main>
        {needsOrganisation ? <NoOrganisation /> : <Outlet key={me.organisation?.id ?? 'none'} />}
      </AppShell.Main>
    </AppShell>
  );
}

function OrganisationSwitcher() {
  const { me, setMe } = useSession();
  const [busy, setBusy] = useState(false);
  if (me.organisations.length < 2) {
    return me.organisation ? (
      <Text size="sm" c="dimmed" visibleFrom="sm">
        {me.organisation.name}
      </Text>
    ) : null;
  }

  const change = async (orgId: string | null) => {
    if (!orgId || orgId === me.organisation?.id) return;
    setBusy(true);
    try {
      const next = await api.switchOrganisation(orgId);
      setMe(next);
      notifications.show({ message: `Switched to ${next.organisation?.name ?? 'the organisation'}` });
    } catch (error) {
      notifications.show({ color: 'red', title: 'Could not switch organisation', message: errorMessage(error) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Select
      aria-label="Organisation"
      data-testid="organisation-switcher"
      data={me.organisations.map((org) => ({ value: org.id, label: org.name }))}
      value={me.organisation?.id ?? null}
      onChange={(value) => void change(value)}
      allowDeselect={false}
      disabled={busy}
      w={{ base: 130, sm: 220 }}
    />
  );
}

function UserMenu() {
  const { me } = useSession();
  const navigate = useNavigate();

  const signOut = async () => {
    try {
      await api.logout();
    } catch {
      // The session is forgotten locally either way; the login page is the right place to land.
    }
    void navigate('/login', { replace: true });
  };

  return (
    <Menu position="bottom-end" width={240} withinPortal>
      <Menu.Target>
        <Button variant="subtle" color="gray" rightSection={<IconChevronDown size={14} />} aria-label="Account menu">
          <Group gap="xs" wrap="nowrap">
            <Avatar size="sm" radius="xl" color="indigo" name={me.user.name || me.user.email} />
            <Text size="sm" visibleFrom="sm">
              {me.user.name || me.user.email}
            </Text>
          </Group>
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>
          {me.user.email}
          {me.role && ` · ${capitalise(me.role)}`}
        </Menu.Label>
        <Menu.Item component={Link} to="/settings/security" leftSection={<IconShieldLock size={16} />}>
          Security settings
        </Menu.Item>
        <Menu.Item component={Link} to="/settings/organisation" leftSection={<IconBuilding size={16} />}>
          Organisation settings
        </Menu.Item>
        <Menu.Divider />
        <Menu.Item color="red" leftSection={<IconLogout size={16} />} onClick={() => void signOut()}>
          Sign out
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}

function NoOrganisation() {
  return (
    <CreateOrganisationForm
      title="Create your first organisation"
      intro="You are not a member of any organisation yet. Create one, or ask an administrator to invite you."
    />
  );
}
