// Taking part in one case on the phone: the e-vote (yes / no / abstain, changeable until the window closes), the
// 好差评 rating (five levels, comment, photos; again after a fix), and the case's discussion (posts, replies,
// @mentions, photos; the grid steward and the supervision committee hide a post with a reason).
import { useRef, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { Alert, Button, Input, Skeleton, Tag } from 'antd';
import { CameraOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../api/client';
import '../i18n/participate';
import type { AttachmentRef } from '../components/AttachmentsWidget';
import { problemText } from '../lib/errors';
import { formatInstant } from '../lib/time';

const CHOICES = ['yes', 'no', 'abstain'] as const;
const LEVELS = ['very_satisfied', 'satisfied', 'basically_satisfied', 'dissatisfied', 'very_dissatisfied'] as const;
type Choice = (typeof CHOICES)[number];
type Level = (typeof LEVELS)[number];

function Failure({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (!error) return null;
  const { message, detail } = problemText(error, t);
  return <Alert type="error" showIcon message={message} description={detail} role="alert" />;
}

function usePhotos(caseId: number) {
  const [photos, setPhotos] = useState<AttachmentRef[]>([]);
  const [busy, setBusy] = useState(false);
  const add = async (list: FileList | null) => {
    if (!list) return;
    setBusy(true);
    try {
      for (const file of Array.from(list)) {
        const added = await ok(api.POST('/api/cases/{case}/attachments', {
          params: { path: { case: String(caseId) } },
          body: { file: file as unknown as string },
          bodySerializer: () => {
            const body = new FormData();
            body.append('file', file, file.name);
            return body;
          },
        }));
        setPhotos((now) => [...now, { sha256: added.sha256, name: added.file_name }]);
      }
    } finally {
      setBusy(false);
    }
  };
  return { photos, setPhotos, busy, add };
}

function PhotoPicker({ label, photos, busy, add }: { label: string } & ReturnType<typeof usePhotos>) {
  const { t } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  return (
    <div className="take-photos">
      <Button icon={<CameraOutlined />} onClick={() => input.current?.click()} loading={busy}>{label}</Button>
      <input ref={input} type="file" accept="image/*" multiple hidden aria-label={label}
        onChange={(event) => void add(event.target.files)} />
      {photos.length > 0 && <span className="muted">{t('take.photos', { count: photos.length })}</span>}
    </div>
  );
}

function VoteSection({ caseId }: { caseId: number }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const votes = useQuery({
    queryKey: ['votes', caseId],
    queryFn: () => ok(api.GET('/api/cases/{case}/votes', { params: { path: { case: String(caseId) } } })),
  });
  const cast = useMutation({
    mutationFn: (choice: Choice) => ok(api.POST('/api/cases/{case}/votes/ballot', {
      params: { path: { case: String(caseId) } }, body: { choice } })),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['votes', caseId] });
      void client.invalidateQueries({ queryKey: ['home'] });
    },
  });
  const list = votes.data?.votes ?? [];
  if (votes.isLoading) return <Skeleton active />;
  if (list.length === 0) return null;
  const vote = list[list.length - 1];
  return (
    <section className="take-section" aria-labelledby="take-vote">
      <h3 id="take-vote">{t('take.vote')}</h3>
      <p className="muted">
        {vote.open ? t('take.voteOpen', { when: formatInstant(vote.closes_at) }) : vote.tallied ? t('take.voteCounted') : t('take.voteClosed')}
        {vote.secret && <Tag className="take-tag">{t('take.secret')}</Tag>}
      </p>
      {vote.open && vote.on_roll && (
        <>
          <div className="choice-row" role="group" aria-label={t('take.vote')}>
            {CHOICES.map((choice) => (
              <Button key={choice} size="large" className={`choice choice-${choice}`}
                type={vote.my_choice === choice ? 'primary' : 'default'} aria-pressed={vote.my_choice === choice}
                disabled={cast.isPending || (vote.secret && vote.voted)} onClick={() => cast.mutate(choice)}>
                {t(`take.choice.${choice}`)}
              </Button>
            ))}
          </div>
          <p role="status" className="take-status">
            {vote.voted ? (vote.secret ? t('take.votedSecret') : t('take.votedAs', { choice: t(`take.choice.${vote.my_choice}`) }))
              : t('take.notVoted')}
            {!vote.secret && vote.voted && ` ${t('take.mayChange')}`}
          </p>
        </>
      )}
      {vote.open && !vote.on_roll && <p className="muted">{t('take.notOnRoll')}</p>}
      <Failure error={cast.error} />
      <p className="muted">{t('take.turnout', { voters: vote.voters, present: vote.present, eligible: vote.eligible_total, percent: vote.turnout_percent })}</p>
      {vote.result && (
        <dl className="take-result">
          <dt>{t('take.choice.yes')}</dt><dd>{vote.result.yes}</dd>
          <dt>{t('take.choice.no')}</dt><dd>{vote.result.no}</dd>
          <dt>{t('take.choice.abstain')}</dt><dd>{vote.result.abstain}</dd>
          <dt>{t('take.present')}</dt><dd>{vote.result.present} / {vote.result.eligible_total}</dd>
        </dl>
      )}
    </section>
  );
}

function RateSection({ caseId }: { caseId: number }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [level, setLevel] = useState<Level | null>(null);
  const [comment, setComment] = useState('');
  const photos = usePhotos(caseId);
  const ratings = useQuery({
    queryKey: ['ratings', caseId],
    queryFn: () => ok(api.GET('/api/cases/{case}/ratings', { params: { path: { case: String(caseId) } } })),
  });
  const rate = useMutation({
    mutationFn: () => ok(api.POST('/api/cases/{case}/ratings', {
      params: { path: { case: String(caseId) } }, body: { level: level!, comment: comment || null, photos: photos.photos } })),
    onSuccess: () => {
      setLevel(null);
      setComment('');
      photos.setPhotos([]);
      void client.invalidateQueries({ queryKey: ['ratings', caseId] });
      void client.invalidateQueries({ queryKey: ['home'] });
    },
  });
  const data = ratings.data;
  if (!data || (!data.open && data.my_ratings.length === 0 && !data.my_fix)) return null;
  const last = data.my_ratings[data.my_ratings.length - 1];
  return (
    <section className="take-section" id="rate" aria-labelledby="take-rate">
      <h3 id="take-rate">{t('take.rate')}</h3>
      {last && <p role="status" className="take-status">{t('take.ratedAs', { level: t(`take.level.${last.level}`) })}</p>}
      {data.my_fix && (
        <Alert type={data.my_fix.state === 'closed' ? 'success' : 'warning'} showIcon
          message={t(`take.fix.${data.my_fix.state}`, { when: formatInstant(data.my_fix.due_at, false) })}
          description={data.my_fix.outcome ?? undefined} />
      )}
      {data.may_rate && (
        <div className="take-form">
          {data.my_fix?.state === 'done' && <p>{t('take.rateAgain')}</p>}
          <div className="level-list" role="radiogroup" aria-label={t('take.rate')}>
            {LEVELS.map((value) => (
              <Button key={value} size="large" block role="radio" aria-checked={level === value}
                type={level === value ? 'primary' : 'default'} className={`level level-${value}`}
                onClick={() => setLevel(value)}>
                {t(`take.level.${value}`)}
              </Button>
            ))}
          </div>
          {level && (level === 'dissatisfied' || level === 'very_dissatisfied') && <p className="muted">{t('take.fixNote')}</p>}
          <label className="take-label" htmlFor="rate-comment">{t('take.comment')}</label>
          <Input.TextArea id="rate-comment" rows={3} maxLength={2000} value={comment} onChange={(event) => setComment(event.target.value)} />
          <PhotoPicker label={t('take.addPhoto')} {...photos} />
          <Button type="primary" size="large" block disabled={!level || rate.isPending || photos.busy} loading={rate.isPending}
            onClick={() => rate.mutate()}>{t('take.submitRating')}</Button>
          <Failure error={rate.error} />
        </div>
      )}
      {data.fixes.length > 0 && (
        <div className="take-fixes">
          <h4>{t('take.fixes')}</h4>
          <ul className="plain-list">
            {data.fixes.map((fix) => (
              <li key={fix.rater ?? ''}>{fix.rater} · {t(`take.level.${fix.level}`)} · {t(`take.fix.${fix.state}`, { when: formatInstant(fix.due_at, false) })}</li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}

function DiscussionSection({ caseId }: { caseId: number }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [text, setText] = useState('');
  const [replyTo, setReplyTo] = useState<string | null>(null);
  const photos = usePhotos(caseId);
  const thread = useQuery({
    queryKey: ['thread', caseId],
    queryFn: () => ok(api.GET('/api/cases/{case}/discussion', { params: { path: { case: String(caseId) } } })),
  });
  const refresh = () => void client.invalidateQueries({ queryKey: ['thread', caseId] });
  const post = useMutation({
    mutationFn: () => ok(api.POST('/api/cases/{case}/discussion', {
      params: { path: { case: String(caseId) } }, body: { text, reply_to: replyTo, attachments: photos.photos } })),
    onSuccess: () => {
      setText('');
      setReplyTo(null);
      photos.setPhotos([]);
      refresh();
      void client.invalidateQueries({ queryKey: ['home'] });
    },
  });
  const hide = useMutation({
    mutationFn: ({ id, reason }: { id: string; reason: string }) => ok(api.POST('/api/cases/{case}/discussion/{post}/hide', {
      params: { path: { case: String(caseId), post: id } }, body: { reason } })),
    onSuccess: refresh,
  });
  const posts = thread.data?.posts ?? [];
  const byId = new Map(posts.map((p) => [p.post, p]));
  const onHide = (id: string) => {
    const reason = window.prompt(t('take.hideReason'));
    if (reason && reason.trim()) hide.mutate({ id, reason: reason.trim() });
  };
  return (
    <section className="take-section" id="discussion" aria-labelledby="take-discussion">
      <h3 id="take-discussion">{t('take.discussion')}</h3>
      {thread.isLoading && <Skeleton active />}
      {thread.data && posts.length === 0 && <p className="muted">{t('take.noPosts')}</p>}
      <ol className="post-list">
        {posts.map((p) => (
          <li key={p.post} className={p.hidden ? 'post post-hidden' : 'post'} data-post={p.post}>
            <div className="post-head">
              <strong>{p.author_name ?? p.author}</strong>
              <span className="muted">{formatInstant(p.at)}</span>
            </div>
            {p.reply_to && byId.get(p.reply_to) && (
              <div className="post-quote muted">{t('take.replyingTo', { name: byId.get(p.reply_to)?.author_name ?? '' })}</div>
            )}
            {p.hidden && <div className="post-moderated">{t('take.hidden', { reason: p.hidden_reason ?? '' })}</div>}
            {p.text && <p className="post-text">{p.text}</p>}
            {p.attachments.length > 0 && <div className="muted">{t('take.photos', { count: p.attachments.length })}</div>}
            {!p.hidden && (
              <div className="post-actions">
                <Button type="link" onClick={() => setReplyTo(p.post)}>{t('take.reply')}</Button>
                {thread.data?.may_moderate && <Button type="link" danger onClick={() => onHide(p.post)}>{t('take.hide')}</Button>}
              </div>
            )}
          </li>
        ))}
      </ol>
      <div className="take-form">
        {replyTo && (
          <p className="muted">
            {t('take.replyingTo', { name: byId.get(replyTo)?.author_name ?? '' })}{' '}
            <Button type="link" onClick={() => setReplyTo(null)}>{t('common.cancel')}</Button>
          </p>
        )}
        <label className="take-label" htmlFor="post-text">{t('take.write')}</label>
        <Input.TextArea id="post-text" rows={3} maxLength={2000} value={text} placeholder={t('take.mentionHint')}
          onChange={(event) => setText(event.target.value)} />
        <PhotoPicker label={t('take.addPhoto')} {...photos} />
        <Button type="primary" size="large" block disabled={!text.trim() || post.isPending || photos.busy}
          loading={post.isPending} onClick={() => post.mutate()}>{t('take.send')}</Button>
        <Failure error={post.error ?? hide.error} />
      </div>
    </section>
  );
}

export default function TakePartPage() {
  const { t } = useTranslation();
  const { id } = useParams();
  const caseId = Number(id);
  const thread = useQuery({
    queryKey: ['thread', caseId],
    queryFn: () => ok(api.GET('/api/cases/{case}/discussion', { params: { path: { case: String(caseId) } } })),
    enabled: Number.isInteger(caseId) && caseId > 0,
  });
  return (
    <div className="page take-page">
      <h2>{thread.data?.title ?? t('take.title')}</h2>
      {thread.data && (
        <p className="muted">
          {thread.data.reference} · <Link to={`/case/${encodeURIComponent(thread.data.reference)}`}>{t('take.caseFile')}</Link>
        </p>
      )}
      <Failure error={thread.error} />
      {thread.data && (
        <>
          <VoteSection caseId={caseId} />
          <RateSection caseId={caseId} />
          <DiscussionSection caseId={caseId} />
        </>
      )}
    </div>
  );
}
