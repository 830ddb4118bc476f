import { lazy, Suspense, useMemo, type ReactNode } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { ConfigProvider, Spin, theme as antdTheme } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import enUS from 'antd/locale/en_US';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { useTranslation } from 'react-i18next';
import { useSession } from './session';
import { Shell } from './components/Shell';
import { LoginPage } from './pages/Login';
import { InboxPage } from './pages/Inbox';

const TaskPage = lazy(() => import('./pages/Task'));
const StartPage = lazy(() => import('./pages/Start'));
const MinePage = lazy(() => import('./pages/Mine'));
const CasePage = lazy(() => import('./pages/Case'));
const DonePage = lazy(() => import('./pages/Done'));
const CopiedPage = lazy(() => import('./pages/Copied'));
const SettingsPage = lazy(() => import('./pages/Settings'));
const StuckPage = lazy(() => import('./pages/Stuck'));
const MethodPage = lazy(() => import('./pages/Method'));
const BoardPage = lazy(() => import('./pages/Board'));
const StatsPage = lazy(() => import('./pages/Stats'));
const NotificationsPage = lazy(() => import('./pages/Notifications'));
const DeliveriesPage = lazy(() => import('./pages/Deliveries'));
const PlatformCallbackPage = lazy(() => import('./pages/PlatformCallback'));
const PasswordPage = lazy(() => import('./pages/Password'));
const PeoplePage = lazy(() => import('./pages/People'));
const PersonPage = lazy(() => import('./pages/Person'));
const UnitsPage = lazy(() => import('./pages/Units'));
const ImportPage = lazy(() => import('./pages/Import'));
const HomePage = lazy(() => import('./pages/Home'));
const TakePartPage = lazy(() => import('./pages/TakePart'));
const StudioPage = lazy(() => import('./pages/Studio'));

type Gate = 'admin' | 'people' | 'designer' | undefined;

function RequireLogin({ children, gate }: { children: ReactNode; gate?: Gate }) {
  const { me, loading } = useSession();
  const location = useLocation();
  if (loading) return <Spin fullscreen />;
  if (!me) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  // signed in with a one-time code: nothing but setting a new password until it is set
  if (me.must_change_password && location.pathname !== '/password') return <Navigate to="/password" replace />;
  if (gate === 'admin' && !me.is_admin) return <Navigate to="/inbox" replace />;
  if (gate === 'people' && !(me.is_admin || me.is_unit_admin)) return <Navigate to="/inbox" replace />;
  if (gate === 'designer' && !(me.is_admin || me.is_designer)) return <Navigate to="/inbox" replace />;
  return <>{children}</>;
}

function Loading() {
  const { t } = useTranslation();
  return <div className="page-loading" role="status"><Spin /> <span>{t('common.loading')}</span></div>;
}

export function App() {
  const { prefs } = useSession();
  const { i18n } = useTranslation();
  const english = i18n.language === 'en';
  dayjs.locale(english ? 'en' : 'zh-cn');
  // motion off: no animations to wait for (steadier for older eyes), and no loading icon left behind by an
  // unfinished leave animation (a background tab does not run them), which kept buttons looking busy
  const themeConfig = useMemo(() => ({
    algorithm: antdTheme.defaultAlgorithm,
    token: { motion: false, ...(prefs.elder
      ? { colorPrimary: '#9e1f1a', colorText: '#000000', colorTextSecondary: '#1f1f1f', colorTextDescription: '#262626',
          fontSize: 20, controlHeight: 52, borderRadius: 8, lineWidth: 2, colorBorder: '#434343',
          colorLink: '#0b3d91', fontSizeHeading1: 34, fontSizeHeading2: 28, fontSizeHeading3: 24 }
      : { colorPrimary: '#b7312c', colorLink: '#1447a6', fontSize: 15, controlHeight: 40, borderRadius: 8,
          colorTextDescription: '#595959', colorTextSecondary: '#595959' }) },
  }), [prefs.elder]);

  const page = (node: ReactNode, gate?: Gate) => (
    <RequireLogin gate={gate}><Shell><Suspense fallback={<Loading />}>{node}</Suspense></Shell></RequireLogin>
  );

  return (
    <ConfigProvider locale={english ? enUS : zhCN} theme={themeConfig} componentSize={prefs.elder ? 'large' : 'middle'} button={{ autoInsertSpace: false }}>
        <Routes>
          <Route path="/login" element={<LoginPage />} />
          <Route path="/login/:platform" element={<Suspense fallback={<Loading />}><PlatformCallbackPage /></Suspense>} />
          <Route path="/board/:unit" element={<Suspense fallback={<Loading />}><BoardPage /></Suspense>} />
          <Route path="/inbox" element={page(<InboxPage />)} />
          <Route path="/done" element={page(<DonePage />)} />
          <Route path="/copied" element={page(<CopiedPage />)} />
          <Route path="/task/:id" element={page(<TaskPage />)} />
          <Route path="/start" element={page(<StartPage />)} />
          <Route path="/mine" element={page(<MinePage />)} />
          <Route path="/home" element={page(<HomePage />)} />
          <Route path="/take-part/:id" element={page(<TakePartPage />)} />
          <Route path="/case/:ref" element={page(<CasePage />)} />
          <Route path="/settings/*" element={page(<SettingsPage />)} />
          <Route path="/stats" element={page(<StatsPage />)} />
          <Route path="/notifications" element={page(<NotificationsPage />)} />
          <Route path="/console/deliveries" element={page(<DeliveriesPage />, 'admin')} />
          <Route path="/console/stuck" element={page(<StuckPage />, 'admin')} />
          <Route path="/console/methods/:key" element={page(<MethodPage />, 'admin')} />
          <Route path="/password" element={<RequireLogin><Suspense fallback={<Loading />}><PasswordPage /></Suspense></RequireLogin>} />
          <Route path="/console/people" element={page(<PeoplePage />, 'people')} />
          <Route path="/console/people/:id" element={page(<PersonPage />, 'people')} />
          <Route path="/console/units" element={page(<UnitsPage />, 'people')} />
          <Route path="/console/import" element={page(<ImportPage />, 'people')} />
          <Route path="/studio" element={page(<StudioPage />, 'designer')} />
          <Route path="/studio/:key" element={page(<StudioPage />, 'designer')} />
          <Route path="*" element={<Navigate to="/inbox" replace />} />
        </Routes>
    </ConfigProvider>
  );
}
