import Requests from './Requests';
import { ViewTabs } from './ViewTabs';

/** Above the inbox's list: the four views with their counts and filters, then what others asked of me. */
export default function InboxExtras() {
  return <><ViewTabs /><Requests /></>;
}
