// The resident's home on the phone (参与): votes open to me, evaluations waiting for me (and call-backs after a
// fix), my proposals with the path they took, the discussions I take part in, my community's public board.
import { Link } from 'react-router-dom';
import { Alert, Empty, Skeleton, Tag } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../api/client';
import '../i18n/participate';
import { StatusTag } from '../components/bits';
import { formatInstant } from '../lib/time';

export default function HomePage() {
  const { t } = useTranslation();
  const home = useQuery({ queryKey: ['home'], queryFn: () => ok(api.GET('/api/me/home')), refetchInterval: 60_000 });
  const data = home.data;
  return (
    <div className="page home-page">
      <h2>{t('home.title')}</h2>
      {home.error && <Alert type="error" showIcon message={t('error.load')} />}
      {home.isLoading && <Skeleton active />}
      {data && (
        <>
          <section aria-labelledby="home-votes">
            <h3 id="home-votes">{t('home.votes')}</h3>
            {data.votes.length === 0 ? <p className="muted">{t('home.noVotes')}</p> : (
              <ul className="case-list">
                {data.votes.map((vote) => (
                  <li key={`${vote.case_id}-${vote.vote}`} className="case-card home-card">
                    <Link to={`/take-part/${vote.case_id}`} className="case-card-title">{vote.title}</Link>
                    <div className="muted">{t('home.closes', { when: formatInstant(vote.closes_at) })}</div>
                    <div className="home-card-action">
                      {vote.voted ? <Tag color="green">{t('home.voted')}</Tag> : <Tag color="red">{t('home.notVoted')}</Tag>}
                      {vote.secret && <Tag>{t('take.secret')}</Tag>}
                      <Link to={`/take-part/${vote.case_id}`} className="home-go">{vote.voted ? t('home.change') : t('home.vote')}</Link>
                    </div>
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section aria-labelledby="home-evaluations">
            <h3 id="home-evaluations">{t('home.evaluations')}</h3>
            {data.evaluations.length === 0 ? <p className="muted">{t('home.noEvaluations')}</p> : (
              <ul className="case-list">
                {data.evaluations.map((item) => (
                  <li key={item.case_id} className="case-card home-card">
                    <Link to={`/take-part/${item.case_id}#rate`} className="case-card-title">{item.title}</Link>
                    <div className="muted">
                      {item.call_back ? t('home.callBack') : item.closes_at ? t('home.closes', { when: formatInstant(item.closes_at) }) : null}
                    </div>
                    <div className="home-card-action">
                      <Link to={`/take-part/${item.case_id}#rate`} className="home-go">{t('home.rate')}</Link>
                    </div>
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section aria-labelledby="home-proposals">
            <h3 id="home-proposals">{t('home.proposals')}</h3>
            {data.proposals.length === 0 ? <p className="muted">{t('home.noProposals')}</p> : (
              <ul className="case-list">
                {data.proposals.map((proposal) => (
                  <li key={proposal.case_id} className="case-card">
                    <div className="case-card-head">
                      <Link to={`/case/${encodeURIComponent(proposal.reference)}`} className="case-card-title">{proposal.title}</Link>
                      <StatusTag status={proposal.status} />
                    </div>
                    <ol className="home-path" aria-label={t('home.path')}>
                      {proposal.path.map((step, index) => <li key={`${index}-${step}`} className="home-path-done">{step}</li>)}
                      {proposal.now.map((step) => <li key={`now-${step}`} className="home-path-now">{step}</li>)}
                    </ol>
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section aria-labelledby="home-threads">
            <h3 id="home-threads">{t('home.threads')}</h3>
            {data.threads.length === 0 ? <p className="muted">{t('home.noThreads')}</p> : (
              <ul className="plain-list">
                {data.threads.map((thread) => (
                  <li key={thread.case_id}>
                    <Link to={`/take-part/${thread.case_id}#discussion`}>{thread.title}</Link>
                    <span className="muted"> · {t('home.myPosts', { count: thread.my_posts })} · {formatInstant(thread.last_at)}</span>
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section aria-labelledby="home-boards">
            <h3 id="home-boards">{t('home.boards')}</h3>
            {data.boards.length === 0 ? <Empty description={t('home.noBoards')} /> : (
              <ul className="plain-list">
                {data.boards.map((board) => (
                  <li key={board.unit}><Link to={`/board/${encodeURIComponent(board.unit)}`}>{board.name}</Link></li>
                ))}
              </ul>
            )}
          </section>
        </>
      )}
    </div>
  );
}
