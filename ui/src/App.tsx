/** Routes and the frame around every page. */
import { lazy, Suspense } from 'react';
import { NavLink, Route, Routes, useLocation } from 'react-router';
import { Empty, Loading } from './components/States';
import { LineagePage } from './pages/lineage/LineagePage';
import { TopologyPage } from './pages/topology/TopologyPage';

// Lazy: the Lag page brings the chart library, which the other pages do not need; the Dead
// letters page is only loaded by those who open it.
const LagPage = lazy(() => import('./pages/lag/LagPage').then((module) => ({ default: module.LagPage })));
const DeadLettersPage = lazy(() => import('./pages/dead-letters/DeadLettersPage').then((module) => ({ default: module.DeadLettersPage })));

/** The time range and refresh carry over between pages; page-specific parameters do not. */
const SHARED_PARAMS = ['range', 'from', 'to', 'refresh'];

function sharedSearch(search: string): string {
  const current = new URLSearchParams(search);
  const shared = new URLSearchParams();
  for (const key of SHARED_PARAMS) {
    const value = current.get(key);
    if (value !== null) shared.set(key, value);
  }
  const text = shared.toString();
  return text ? `?${text}` : '';
}

export function App() {
  const { search, pathname } = useLocation();
  const carried = sharedSearch(search);
  const onLineage = pathname === '/' || pathname.startsWith('/events/');
  return (
    <div className="app">
      <a className="skip-link" href="#content">
        Skip to content
      </a>
      <header className="app-header">
        <span className="brand">
          <span className="brand-mark" aria-hidden="true">
            ⇢
          </span>
          Causeway
        </span>
        <nav aria-label="Main">
          <NavLink to={{ pathname: '/', search: carried }} className={onLineage ? 'nav-link active' : 'nav-link'} aria-current={onLineage ? 'page' : undefined} end>
            Lineage
          </NavLink>
          <NavLink to={{ pathname: '/topology', search: carried }} className={({ isActive }) => (isActive ? 'nav-link active' : 'nav-link')}>
            Topology
          </NavLink>
          <NavLink to={{ pathname: '/lag', search: carried }} className={({ isActive }) => (isActive ? 'nav-link active' : 'nav-link')}>
            Lag
          </NavLink>
          <NavLink to={{ pathname: '/dead-letters', search: carried }} className={({ isActive }) => (isActive ? 'nav-link active' : 'nav-link')}>
            Dead letters
          </NavLink>
        </nav>
      </header>
      <div id="content" className="app-content">
        <Routes>
          <Route path="/" element={<LineagePage />} />
          <Route path="/events/:id" element={<LineagePage />} />
          <Route path="/topology" element={<TopologyPage />} />
          <Route
            path="/lag"
            element={
              <Suspense fallback={<Loading what="the Lag page" />}>
                <LagPage />
              </Suspense>
            }
          />
          <Route
            path="/dead-letters/:id?"
            element={
              <Suspense fallback={<Loading what="the Dead letters page" />}>
                <DeadLettersPage />
              </Suspense>
            }
          />
          <Route path="*" element={<Empty>There is no page at {pathname}. Use Lineage, Topology, Lag or Dead letters above.</Empty>} />
        </Routes>
      </div>
    </div>
  );
}
