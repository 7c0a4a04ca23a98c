import '../shared/base.css';
import '../i18n/index.ts';
import { SpinLoading } from 'antd-mobile';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router-dom';
import { AuthProvider } from '../shared/auth.tsx';
import { RequireAuth } from '../shared/RequireAuth.tsx';
import { MobileLayout } from './MobileLayout.tsx';
import { MobileProvider } from './MobileProvider.tsx';
import { CarePage } from './pages/CarePage.tsx';
import { ErrandsPage } from './pages/ErrandsPage.tsx';
import { HomePage } from './pages/HomePage.tsx';
import { HouseholdPage } from './pages/HouseholdPage.tsx';
import { HouseholdsPage } from './pages/HouseholdsPage.tsx';
import { LoginPage } from './pages/LoginPage.tsx';
import { MePage } from './pages/MePage.tsx';
import { MyCasePage } from './pages/MyCasePage.tsx';
import { MyReportsPage } from './pages/MyReportsPage.tsx';
import { ReportPage } from './pages/ReportPage.tsx';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MobileProvider>
      <AuthProvider>
        <BrowserRouter basename="/m">
          <Routes>
            <Route path="/login" element={<LoginPage />} />
            <Route
              element={
                <RequireAuth loading={<SpinLoading style={{ margin: '40vh auto' }} />}>
                  <MobileLayout />
                </RequireAuth>
              }
            >
              <Route index element={<HomePage />} />
              <Route path="grids/:code" element={<HouseholdsPage />} />
              <Route path="grids/:code/households/:id" element={<HouseholdPage />} />
              <Route path="report" element={<ReportPage />} />
              <Route path="cases" element={<MyReportsPage />} />
              <Route path="cases/:id" element={<MyCasePage />} />
              <Route path="errands" element={<ErrandsPage />} />
              <Route path="care" element={<CarePage />} />
              <Route path="me" element={<MePage />} />
              <Route path="*" element={<Navigate to="/" replace />} />
            </Route>
          </Routes>
        </BrowserRouter>
      </AuthProvider>
    </MobileProvider>
  </StrictMode>,
);
