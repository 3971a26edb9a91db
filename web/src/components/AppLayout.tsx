import { AppShell, Avatar, Burger, Button, Group, Menu, NavLink, ScrollArea, Select, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import {
  IconActivityHeartbeat,
  IconBuilding,
  IconCertificate,
  IconChartBar,
  IconChecklist,
  IconChevronDown,
  IconClipboardCheck,
  IconClipboardList,
  IconFileCertificate,
  IconFileCheck,
  IconFileText,
  IconGauge,
  IconIdBadge,
  IconInbox,
  IconKey,
  IconListCheck,
  IconListDetails,
  IconLockAccess,
  IconLogout,
  IconSchool,
  IconServer,
  IconShieldLock,
  IconSignature,
  IconUserCheck,
  IconUsers,
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

const always = () => true;
const NAV: NavItem[] = [
  { to: '/', label: 'Dashboard', icon: <IconGauge size={18} />, show: (me) => me.organisation !== null },
  {
    to: '/frameworks',
    label: 'Frameworks',
    icon: <IconCertificate size={18} />,
    show: (me) => me.organisation !== null,
  },
  {
    to: '/readiness',
    label: 'Readiness',
    icon: <IconChartBar size={18} />,
    show: (me) => me.organisation !== null,
  },
  { to: '/controls', label: 'Controls', icon: <IconChecklist size={18} />, show: (me) => me.organisation !== null },
  {
    to: '/monitoring',
    label: 'Monitoring',
    icon: <IconActivityHeartbeat size={18} />,
    show: (me) => me.organisation !== null,
  },
  {
    to: '/coverage',
    label: 'Seed coverage',
    icon: <IconListCheck size={18} />,
    show: (me) => me.organisation !== null,
  },
  {
    to: '/tasks',
    label: 'Evidence tasks',
    icon: <IconClipboardList size={18} />,
    show: (me) => isManager(me) || me.role === 'auditor',
  },
  {
    to: '/my-tasks',
    label: 'My tasks',
    icon: <IconClipboardCheck size={18} />,
    show: (me) => me.organisation !== null && me.role !== 'auditor',
  },
  {
    to: '/evidence',
    label: 'Evidence',
    icon: <IconFileCertificate size={18} />,
    show: (me) => me.organisation !== null,
  },
  { to: '/policies', label: 'Policies', icon: <IconFileText size={18} />, show: (me) => me.organisation !== null },
  {
    to: '/my-policies',
    label: 'My policies',
    icon: <IconFileCheck size={18} />,
    show: (me) => me.organisation !== null && me.role !== 'auditor',
  },
  {
    to: '/my-work',
    label: 'My work',
    icon: <IconInbox size={18} />,
    show: (me) => me.organisation !== null && me.role !== 'auditor',
  },
  {
    to: '/people',
    label: 'People',
    icon: <IconIdBadge size={18} />,
    show: (me) => isManager(me) || me.role === 'auditor',
  },
  { to: '/training', label: 'Training', icon: <IconSchool size={18} />, show: (me) => me.organisation !== null },
  { to: '/agreement', label: 'Agreement', icon: <IconSignature size={18} />, show: (me) => me.organisation !== null },
  { to: '/systems', label: 'Systems', icon: <IconServer size={18} />, show: (me) => me.organisation !== null },
  {
    to: '/access-requests',
    label: 'Access requests',
    icon: <IconLockAccess size={18} />,
    show: (me) => me.organisation !== null,
  },
  {
    to: '/access-reviews',
    label: 'Access reviews',
    icon: <IconUserCheck size={18} />,
    show: (me) => me.organisation !== null,
  },
  { to: '/members', label: 'Members', icon: <IconUsers size={18} />, show: isManager },
  { to: '/audit', label: 'Audit log', icon: <IconListDetails size={18} />, show: isManager },
  { to: '/tokens', label: 'API tokens', icon: <IconKey size={18} />, show: (me) => me.organisation !== null },
  { to: '/settings/security', label: 'Security settings', icon: <IconShieldLock size={18} />, show: always },
  { to: '/settings/organisation', label: 'Organisation', icon: <IconBuilding size={18} />, show: always },
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
          {NAV.filter((item) => item.show(me)).map((item) => (
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
