import Requests from './Requests';
import StandingIn from './StandingIn';
import { ViewTabs } from './ViewTabs';

/** Above the inbox's list: whom I stand in for, the four views with their counts and filters, then what others asked of me. */
export default function InboxExtras() {
  return <><StandingIn /><ViewTabs /><Requests /></>;
}
