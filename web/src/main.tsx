import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import '@mantine/charts/styles.css';
import { MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Route, Routes } from 'react-router-dom';
import { AppLayout } from './components/AppLayout';
import { AccessRequestsPage } from './pages/AccessRequests';
import { AccessReviewPage } from './pages/AccessReview';
import { AccessReviewsPage } from './pages/AccessReviews';
import { AgreementPage } from './pages/Agreement';
import { AnswerLibraryPage } from './pages/AnswerLibrary';
import { AssessmentPage } from './pages/Assessment';
import { AssessmentsPage } from './pages/Assessments';
import { AuditPage } from './pages/Audit';
import { AuditPortalPage } from './pages/AuditPortal';
import { AuditsPage } from './pages/Audits';
import { ContinuityPage } from './pages/Continuity';
import { ControlsPage } from './pages/Controls';
import { CoveragePage } from './pages/Coverage';
import { DashboardPage } from './pages/Dashboard';
import { EnrolPage } from './pages/Enrol';
import { EvidencePage } from './pages/Evidence';
import { FrameworksPage } from './pages/Frameworks';
import { IncidentPage } from './pages/Incident';
import { IncidentsPage } from './pages/Incidents';
import { InvitePage } from './pages/Invite';
import { LoginPage } from './pages/Login';
import { LoginMfaPage } from './pages/LoginMfa';
import { MembersPage } from './pages/Members';
import { MonitoringCheckPage, MonitoringPage } from './pages/Monitoring';
import { MyPoliciesPage } from './pages/MyPolicies';
import { MyTasksPage } from './pages/MyTasksPage';
import { MyWorkPage } from './pages/MyWork';
import { NotFoundPage } from './pages/NotFound';
import { OrganisationSettingsPage } from './pages/OrganisationSettings';
import { PeoplePage } from './pages/People';
import { PersonPage } from './pages/Person';
import { PoliciesPage } from './pages/Policies';
import { PolicyPage } from './pages/Policy';
import { QuestionnairePage } from './pages/Questionnaire';
import { QuestionnairesPage } from './pages/Questionnaires';
import { ReadinessPage } from './pages/Readiness';
import { RiskAssessmentPage } from './pages/RiskAssessment';
import { RisksPage } from './pages/Risks';
import { SecuritySettingsPage } from './pages/SecuritySettings';
import { SystemsPage } from './pages/Systems';
import { TasksPage } from './pages/Tasks';
import { TokensPage } from './pages/Tokens';
import { TrainingPage } from './pages/Training';
import { TrainingModulePage } from './pages/TrainingModule';
import { TrustCenterPage } from './pages/TrustCenter';
import { TrustDocumentsPage } from './pages/TrustDocuments';
import { VendorPage } from './pages/Vendor';
import { VendorQuestionnairePage } from './pages/VendorQuestionnaire';
import { VendorsPage } from './pages/Vendors';
import { RequireSession } from './session';
import { cssVariables, theme } from './theme';

function App() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route path="/login/mfa" element={<LoginMfaPage />} />
      <Route path="/enrol" element={<EnrolPage />} />
      <Route path="/invite" element={<InvitePage />} />
      <Route path="/vendor-questionnaire/:token" element={<VendorQuestionnairePage />} />
      <Route
        element={
          <RequireSession>
            <AppLayout />
          </RequireSession>
        }
      >
        <Route index element={<DashboardPage />} />
        <Route path="frameworks" element={<FrameworksPage />} />
        <Route path="controls" element={<ControlsPage />} />
        <Route path="monitoring" element={<MonitoringPage />} />
        <Route path="monitoring/checks/:checkId" element={<MonitoringCheckPage />} />
        <Route path="coverage" element={<CoveragePage />} />
        <Route path="tasks" element={<TasksPage />} />
        <Route path="my-tasks" element={<MyTasksPage />} />
        <Route path="evidence" element={<EvidencePage />} />
        <Route path="policies" element={<PoliciesPage />} />
        <Route path="policies/:policyId" element={<PolicyPage />} />
        <Route path="my-policies" element={<MyPoliciesPage />} />
        <Route path="my-work" element={<MyWorkPage />} />
        <Route path="people" element={<PeoplePage />} />
        <Route path="people/:personId" element={<PersonPage />} />
        <Route path="training" element={<TrainingPage />} />
        <Route path="training/:moduleId" element={<TrainingModulePage />} />
        <Route path="agreement" element={<AgreementPage />} />
        <Route path="systems" element={<SystemsPage />} />
        <Route path="access-requests" element={<AccessRequestsPage />} />
        <Route path="access-reviews" element={<AccessReviewsPage />} />
        <Route path="access-reviews/:campaignId" element={<AccessReviewPage />} />
        <Route path="vendors" element={<VendorsPage />} />
        <Route path="vendors/:vendorId" element={<VendorPage />} />
        <Route path="risks" element={<RisksPage />} />
        <Route path="risks/assessments/:assessmentId" element={<RiskAssessmentPage />} />
        <Route path="incidents" element={<IncidentsPage />} />
        <Route path="incidents/:incidentId" element={<IncidentPage />} />
        <Route path="assessments" element={<AssessmentsPage />} />
        <Route path="assessments/:assessmentId" element={<AssessmentPage />} />
        <Route path="continuity" element={<ContinuityPage />} />
        <Route path="trust-center" element={<TrustCenterPage />} />
        <Route path="trust-center/documents" element={<TrustDocumentsPage />} />
        <Route path="questionnaires" element={<QuestionnairesPage />} />
        <Route path="questionnaires/library" element={<AnswerLibraryPage />} />
        <Route path="questionnaires/:questionnaireId" element={<QuestionnairePage />} />
        <Route path="audits" element={<AuditsPage />} />
        <Route path="audits/:auditId" element={<AuditPortalPage />} />
        <Route path="readiness" element={<ReadinessPage />} />
        <Route path="readiness/:frameworkId" element={<ReadinessPage />} />
        <Route path="members" element={<MembersPage />} />
        <Route path="audit" element={<AuditPage />} />
        <Route path="tokens" element={<TokensPage />} />
        <Route path="settings/security" element={<SecuritySettingsPage />} />
        <Route path="settings/organisation" element={<OrganisationSettingsPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

createRoot(root).render(
  <StrictMode>
    <MantineProvider theme={theme} cssVariablesResolver={cssVariables} defaultColorScheme="light">
      <Notifications position="top-right" />
      <BrowserRouter>
        <App />
      </BrowserRouter>
    </MantineProvider>
  </StrictMode>,
);
