import { Flex } from 'antd';
import { useMe } from '../../shared/auth.tsx';
import type { OrgUnit } from '../../shared/model.ts';
import { HouseholdTable } from './HouseholdTable.tsx';
import { canEditRegistry } from './permissions.ts';
import { WorkerCard } from './WorkerCard.tsx';

/** A micro-grid opened from the map or the tree: who looks after it and who lives in it. */
export function MicrogridPanel({ microgrid }: { microgrid: OrgUnit }) {
  const { user } = useMe();
  const canEdit = canEditRegistry(user.role);
  return (
    <Flex vertical gap={24}>
      <WorkerCard microgridCode={microgrid.code} canEdit={canEdit} />
      <HouseholdTable microgridCode={microgrid.code} gridCode={microgrid.parentCode} canEdit={canEdit} />
    </Flex>
  );
}
