import '../shared/base.css';
import '../i18n/index.ts';
import { Spin } from 'antd';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Route, Routes } from 'react-router-dom';
import { AuthProvider } from '../shared/auth.tsx';
import { RequireAuth } from '../shared/RequireAuth.tsx';
import { AntdProvider } from './AntdProvider.tsx';
import { CaseDetailPage } from './cases/CaseDetailPage.tsx';
import { CasesPage } from './cases/CasesPage.tsx';
import { AlertPage } from './checkins/AlertPage.tsx';
import { CheckinsPage } from './checkins/CheckinsPage.tsx';
import { SubjectPage } from './checkins/SubjectPage.tsx';
import { MainLayout } from './layout/MainLayout.tsx';
import { RankingsPage } from './rankings/RankingsPage.tsx';
import { NotifyPage } from './notify/NotifyPage.tsx';
import { ForbiddenPage } from './pages/ForbiddenPage.tsx';
import { HomePage } from './pages/HomePage.tsx';
import { LoginPage } from './pages/LoginPage.tsx';
import { NotFoundPage } from './pages/NotFoundPage.tsx';
import { ResidentsPage } from './pages/ResidentsPage.tsx';
import { TransferPage } from './pages/TransferPage.tsx';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <AntdProvider>
      <AuthProvider>
        <BrowserRouter>
          <Routes>
            <Route path="/login" element={<LoginPage />} />
            <Route
              element={
                <RequireAuth loading={<Spin fullscreen />}>
                  <MainLayout />
                </RequireAuth>
              }
            >
              <Route index element={<HomePage />} />
              <Route path="cases" element={<CasesPage />} />
              <Route path="cases/:id" element={<CaseDetailPage />} />
              <Route path="rankings" element={<RankingsPage />} />
              <Route path="residents" element={<ResidentsPage />} />
              <Route path="transfer" element={<TransferPage />} />
              <Route path="notify" element={<NotifyPage />} />
              <Route path="checkins" element={<CheckinsPage />} />
              <Route path="checkins/alerts/:id" element={<AlertPage />} />
              <Route path="checkins/subjects/:id" element={<SubjectPage />} />
              <Route path="403" element={<ForbiddenPage />} />
              <Route path="*" element={<NotFoundPage />} />
            </Route>
          </Routes>
        </BrowserRouter>
      </AuthProvider>
    </AntdProvider>
  </StrictMode>,
);
