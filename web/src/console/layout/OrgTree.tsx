import { Tree, type TreeDataNode } from 'antd';
import { useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { api } from '../../shared/api.ts';
import type { OrgNode } from '../../shared/model.ts';

function toTreeNode(unit: OrgNode): TreeDataNode {
  return {
    key: unit.code,
    title: unit.name,
    isLeaf: !unit.hasChildren,
    children: unit.children.length > 0 ? unit.children.map(toTreeNode) : undefined,
  };
}

function withChildren(nodes: TreeDataNode[], key: string, children: TreeDataNode[]): TreeDataNode[] {
  return nodes.map((node) => {
    if (node.key === key) return { ...node, children };
    return node.children ? { ...node, children: withChildren(node.children, key, children) } : node;
  });
}

/** The scope's units; deeper levels load when a node is opened. Selecting a unit opens it on the home page. */
export function OrgTree({ roots }: { roots: OrgNode[] }) {
  const [treeData, setTreeData] = useState(() => roots.map(toTreeNode));
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const selected = params.get('unit') ?? roots[0]?.code;

  async function loadChildren(node: TreeDataNode) {
    if (node.children) return;
    const { children } = await api.get<{ children: OrgNode[] }>(`/api/org/units/${node.key}/children`);
    setTreeData((nodes) => withChildren(nodes, String(node.key), children.map(toTreeNode)));
  }

  return (
    <Tree
      blockNode
      treeData={treeData}
      loadData={loadChildren}
      selectedKeys={selected ? [selected] : []}
      onSelect={(_keys, { node }) => navigate(`/?unit=${node.key}`)}
      style={{ marginTop: 8 }}
    />
  );
}
