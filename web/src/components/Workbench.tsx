import { type ReactNode, useEffect, useState } from 'react';
import { api, qs } from '../lib/api';
import { useLoad } from '../lib/data';
import { type MsgKey, useI18n } from '../lib/i18n';
import type { CaseItem } from '../lib/types';
import { CaseList, CasePanel } from './CaseViews';

/** One tab of a workbench: a case search and an optional client-side filter. */
export interface WorkTab {
  id: string;
  label: MsgKey;
  query: Record<string, string | number | readonly string[] | undefined>;
  filter?: (c: CaseItem) => boolean;
}

/**
 * A role's queue: tabs of case searches on the left, the selected case with the role's
 * actions on the right. Lists refresh every 15 s and after every action.
 */
export function Workbench({
  title,
  tabs,
  actions,
  aside,
}: {
  title: MsgKey;
  tabs: WorkTab[];
  actions: readonly string[];
  aside?: ReactNode;
}) {
  const { t } = useI18n();
  const [tab, setTab] = useState(tabs[0]?.id ?? '');
  const [selected, setSelected] = useState<number | undefined>();
  const current = tabs.find((x) => x.id === tab) ?? tabs[0];
  const counts = useLoad(
    () =>
      Promise.all(
        tabs.map((x) =>
          api<{ total: number; items: CaseItem[] }>(
            'GET',
            `/api/cases${qs({ ...x.query, limit: 100 })}`,
          ).then((r) => (x.filter ? r.items.filter(x.filter).length : r.total)),
        ),
      ),
    [tabs],
  );
  const list = useLoad(
    () =>
      current
        ? api<{ items: CaseItem[] }>('GET', `/api/cases${qs({ ...current.query, limit: 100 })}`).then((r) =>
            current.filter ? r.items.filter(current.filter) : r.items,
          )
        : Promise.resolve([]),
    [current],
  );
  useEffect(() => {
    const h = setInterval(() => {
      list.reload();
      counts.reload();
    }, 15_000);
    return () => clearInterval(h);
  }, [list.reload, counts.reload]);
  return (
    <div className="workbench">
      <div className="wb-head">
        <h1 className="page-title">{t(title)}</h1>
        <div className="tabs" role="tablist">
          {tabs.map((x, i) => (
            <button
              key={x.id}
              type="button"
              role="tab"
              aria-selected={x.id === tab}
              className={x.id === tab ? 'tab active' : 'tab'}
              onClick={() => {
                setTab(x.id);
                setSelected(undefined);
              }}
            >
              {t(x.label)} <span className="count">{counts.data?.[i] ?? '…'}</span>
            </button>
          ))}
        </div>
      </div>
      <div className="wb-body">
        <div className="wb-list">
          <CaseList items={list.data} selected={selected} onSelect={setSelected} />
        </div>
        <div className="wb-detail">
          {selected ? (
            <CasePanel
              key={selected}
              id={selected}
              only={actions}
              onChanged={() => {
                list.reload();
                counts.reload();
              }}
            />
          ) : (
            (aside ?? <p className="empty">{t('details')}</p>)
          )}
        </div>
      </div>
    </div>
  );
}
