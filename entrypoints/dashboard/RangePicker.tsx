import { RANGE_IDS, RANGE_LABELS, type RangeId } from './ranges';
import { SegmentedControl } from './SegmentedControl';

const OPTIONS = RANGE_IDS.map((id) => ({ value: id, label: RANGE_LABELS[id], testId: `range-${id}` }));

export function RangePicker({ value, onChange }: { value: RangeId; onChange: (id: RangeId) => void }) {
  return <SegmentedControl label="Time range" options={OPTIONS} value={value} onChange={onChange} />;
}
