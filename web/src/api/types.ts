// Response types derived from the generated OpenAPI paths (src/api/schema.d.ts, produced by `make web`).
// Nothing here is written by hand: each alias names the success body of one route.
import type { paths } from './schema';

type Json<R> = R extends { content: { 'application/json': infer T } } ? T : never;
type Ok<Op> = Op extends { responses: infer R }
  ? R extends { 200: infer A } ? Json<A> : R extends { 201: infer B } ? Json<B> : never
  : never;
type Body<Op> = Op extends { requestBody?: { content: { 'application/json': infer T } } } ? T : never;

export type Login = Ok<paths['/api/auth/login']['post']>;
export type Me = Ok<paths['/api/me']['get']>;
export type Units = Ok<paths['/api/units']['get']>;
export type TaskList = Ok<paths['/api/tasks']['get']>;
export type TaskItem = TaskList['items'][number];
export type TaskDetail = Ok<paths['/api/tasks/{task_id}']['get']>;
export type Completed = Ok<paths['/api/tasks/{task_id}/complete']['post']>;
export type CaseList = Ok<paths['/api/cases']['get']>;
export type CaseItem = CaseList['items'][number];
export type CaseDetail = Ok<paths['/api/cases/{case}']['get']>;
export type CaseHistory = Ok<paths['/api/cases/{case}/history']['get']>;
export type CaseEvent = CaseHistory['events'][number];
export type Diagram = Ok<paths['/api/cases/{case}/diagram']['get']>;
export type Definitions = Ok<paths['/api/definitions']['get']>;
export type DefinitionVersion = Ok<paths['/api/definitions/{key}/versions/{version}']['get']>;
export type StuckList = Ok<paths['/api/admin/stuck']['get']>;
export type StuckItem = StuckList['items'][number];
export type StartBody = Body<paths['/api/cases']['post']>;
export type ClockMoved = Ok<paths['/api/dev/clock']['post']>;
export type Roles = Ok<paths['/api/roles']['get']>;
export type Methods = Ok<paths['/api/methods']['get']>;
export type StartForm = Ok<paths['/api/methods/{key}/start-form']['get']>;
export type DoneList = Ok<paths['/api/tasks/done']['get']>;
export type DoneItem = DoneList['items'][number];
export type PublicBoard = Ok<paths['/api/public/units/{unit}/board']['get']>;
export type Heat = Ok<paths['/api/admin/methods/{key}/heat']['get']>;
export type Stats = Ok<paths['/api/stats']['get']>;
export type NotificationPage = Ok<paths['/api/notifications']['get']>;
export type NotificationPreferences = Ok<paths['/api/notifications/preferences']['get']>;
export type Deliveries = Ok<paths['/api/admin/deliveries']['get']>;
export type UserPage = Ok<paths['/api/admin/users']['get']>;
export type UserSummary = UserPage['items'][number];
export type UserDetail = Ok<paths['/api/admin/users/{user}']['get']>;
export type NewUserResult = Ok<paths['/api/admin/users']['post']>;
export type UnitTree = Ok<paths['/api/admin/units']['get']>;
export type UnitEntry = UnitTree['units'][number];
export type ImportResult = Ok<paths['/api/admin/people/import']['post']>;
export type ImportRow = ImportResult['rows'][number];
export type MultiSign = NonNullable<TaskDetail['multi_sign']>;
export type Forecast = Ok<paths['/api/cases/{case}/forecast']['get']>;
export type StockPhrases = Ok<paths['/api/units/{unit}/phrases']['get']>;
export type ViewCounts = Ok<paths['/api/views/counts']['get']>;
export type CopyPage = Ok<paths['/api/views/copied']['get']>;
export type CopyItem = CopyPage['items'][number];
export type RequestItem = Ok<paths['/api/views/requests']['get']>[number];
export type TaskActions = Ok<paths['/api/tasks/{task_id}/actions']['get']>;
export type CaseActions = Ok<paths['/api/cases/{case}/actions']['get']>;
export type SummaryLine = TaskItem['summary'][number];
export type StandInItem = Ok<paths['/api/stand-ins']['get']>['items'][number];
