{{- /*
The operator's RBAC rules, kept equal to config/rbac/role.yaml (the one source) by
RbacConsistencyTest: the rules on cluster-scoped resources, and those on namespaced ones, which
go into the ClusterRole when all namespaces are watched and into a Role per namespace otherwise.
*/}}
{{- define "graft.rbac.clusterRules" -}}
- apiGroups: ["graft.dev"]
  resources: ["clusterbaseimages"]
  verbs: ["list", "watch"]
- apiGroups: ["graft.dev"]
  resources: ["clusterbaseimages/status"]
  verbs: ["patch"]
- apiGroups: [""]
  resources: ["nodes"]
  verbs: ["get", "list", "watch"]
- apiGroups: ["apiextensions.k8s.io"]
  resources: ["customresourcedefinitions"]
  verbs: ["get", "list"]
- apiGroups: ["authorization.k8s.io"]
  resources: ["subjectaccessreviews"]
  verbs: ["create"]
{{- end }}

{{- define "graft.rbac.namespacedRules" -}}
- apiGroups: ["graft.dev"]
  resources: ["baseimages", "filesets", "graftedvirtualmachines", "goldenimages"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
- apiGroups: ["graft.dev"]
  resources:
    - baseimages/status
    - filesets/status
    - graftedvirtualmachines/status
    - goldenimages/status
  verbs: ["get", "update", "patch"]
- apiGroups: ["graft.dev"]
  resources:
    - baseimages/finalizers
    - filesets/finalizers
    - graftedvirtualmachines/finalizers
    - goldenimages/finalizers
  verbs: ["update"]
- apiGroups: ["kubevirt.io"]
  resources: ["virtualmachines"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
- apiGroups: ["subresources.kubevirt.io"]
  resources: ["virtualmachines/restart"]
  verbs: ["update"]
- apiGroups: ["cdi.kubevirt.io"]
  resources: ["datavolumes"]
  verbs: ["get", "list", "watch", "create", "delete"]
- apiGroups: ["cdi.kubevirt.io"]
  resources: ["datavolumes/source"]
  verbs: ["create"]
- apiGroups: ["cdi.kubevirt.io"]
  resources: ["datasources"]
  verbs: ["get", "list", "watch"]
- apiGroups: ["snapshot.storage.k8s.io"]
  resources: ["volumesnapshots"]
  verbs: ["get"]
- apiGroups: ["batch"]
  resources: ["jobs"]
  verbs: ["get", "list", "watch", "create"]
- apiGroups: [""]
  resources: ["configmaps"]
  verbs: ["get", "list", "watch", "create"]
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get", "list", "watch", "create"]
- apiGroups: [""]
  resources: ["persistentvolumeclaims"]
  verbs: ["get", "list", "watch", "delete"]
- apiGroups: [""]
  resources: ["pods", "pods/log"]
  verbs: ["get", "list"]
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create", "patch", "get"]
{{- end }}

{{- /*
Namespaces the operator watches, as a JSON list: watchNamespaces plus the catalog namespace
(whose GoldenImages must be reconciled too); empty: all namespaces.
*/}}
{{- define "graft.watchedNamespaces" -}}
{{- $namespaces := list }}
{{- if .Values.watchNamespaces }}
{{- $namespaces = concat .Values.watchNamespaces (list) }}
{{- if .Values.catalogNamespace }}
{{- $namespaces = append $namespaces .Values.catalogNamespace }}
{{- end }}
{{- end }}
{{- $namespaces | uniq | toJson }}
{{- end }}
