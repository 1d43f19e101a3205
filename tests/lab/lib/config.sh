# pktpath lab: every name, address, MAC and port of the topology.
# Plain KEY=VALUE lines only (no expansion, no quoting tricks): lab.sh sources
# this file and truth.py parses it, so the captures and the truth written
# next to them come from one list.

# Namespaces (all prefixed pp- so nothing collides with the host).
NS_NODE1=pp-node1
NS_NODE2=pp-node2
NS_VPC=pp-vpc
NS_SLB=pp-slb
NS_CLIENT=pp-client

# Nodes: uplink eth0 into the VPC bridge, cni0 bridge for the pods.
NODE1_ETH0_IP=10.0.0.180
NODE1_ETH0_MAC=00:16:3e:00:00:b4
NODE1_CNI0_IP=172.23.96.1
NODE1_CNI0_MAC=0a:58:ac:17:60:01
NODE1_PODCIDR=172.23.96.0/25
NODE1_FLANNEL_IP=172.23.96.0
NODE1_FLANNEL_MAC=ce:6e:8e:00:00:b4
NODE1_VPCPORT=vpc-node1
NODE1_VPCPORT_MAC=ee:ff:ff:00:00:b4
NODE1_ETH0_IP6=fd00:10::180
NODE1_CNI0_IP6=fd00:10:244:1::1
NODE1_PODCIDR6=fd00:10:244:1::/64

NODE2_ETH0_IP=10.0.0.181
NODE2_ETH0_MAC=00:16:3e:00:00:b5
NODE2_CNI0_IP=172.23.96.129
NODE2_CNI0_MAC=0a:58:ac:17:60:81
NODE2_PODCIDR=172.23.96.128/25
NODE2_FLANNEL_IP=172.23.96.128
NODE2_FLANNEL_MAC=ce:6e:8e:00:00:b5
NODE2_VPCPORT=vpc-node2
NODE2_VPCPORT_MAC=ee:ff:ff:00:00:b5
NODE2_ETH0_IP6=fd00:10::181
NODE2_CNI0_IP6=fd00:10:244:2::1
NODE2_PODCIDR6=fd00:10:244:2::/64

CLUSTER_CIDR=172.23.96.0/24
FLANNEL_VNI=1
FLANNEL_PORT=8472

# Pods: namespace pp-<name>, eth0 inside, host veth named veth + the first
# 8 hex digits of sha1(<name>) (lab.sh checks that rule).
POD_CENTOS_NODE=node1
POD_CENTOS_IP=172.23.96.23
POD_CENTOS_IP6=fd00:10:244:1::23
POD_CENTOS_MAC=0a:58:ac:17:60:17
POD_CENTOS_VETH=veth62c5b120
POD_CENTOS_VETH_MAC=9e:00:00:17:60:17

POD_NGINX0_NODE=node1
POD_NGINX0_IP=172.23.96.35
POD_NGINX0_IP6=fd00:10:244:1::35
POD_NGINX0_MAC=0a:58:ac:17:60:23
POD_NGINX0_VETH=veth96edc730
POD_NGINX0_VETH_MAC=9e:00:00:17:60:23

POD_NGINX1_NODE=node2
POD_NGINX1_IP=172.23.96.163
POD_NGINX1_IP6=fd00:10:244:2::163
POD_NGINX1_MAC=0a:58:ac:17:60:a3
POD_NGINX1_VETH=veth225206b0
POD_NGINX1_VETH_MAC=9e:00:00:17:60:a3

POD_NGINX2_NODE=node2
POD_NGINX2_IP=172.23.96.164
POD_NGINX2_IP6=fd00:10:244:2::164
POD_NGINX2_MAC=0a:58:ac:17:60:a4
POD_NGINX2_VETH=veth4c644815
POD_NGINX2_VETH_MAC=9e:00:00:17:60:a4

# VPC router: a bridge (br0) joining the nodes' uplinks and the SLB.
VPC_BR=br0
VPC_IP=10.0.0.1
VPC_MAC=ee:ff:ff:ff:ff:01
VPC_IP6=fd00:10::1
VPC_CIDR=10.0.0.0/24
VPC_CIDR6=fd00:10::/64

# Cloud load balancer: eth1 in the VPC, eth0 towards the client network.
SLB_ETH1_IP=10.0.0.2
SLB_ETH1_MAC=00:16:3e:00:00:02
SLB_ETH0_IP=203.0.113.1
SLB_ETH0_MAC=00:16:3e:cb:00:01
SLB_VPCPORT=vpc-slb
SLB_VPCPORT_MAC=ee:ff:ff:00:00:02
CLIENT_CIDR=203.0.113.0/24
VIP_CIDR=47.100.0.0/24

# External client.
CLIENT_IP=203.0.113.7
CLIENT_MAC=02:00:cb:00:71:07
CLIENT_GW_MAC=00:16:3e:cb:00:01

# Services (kube-proxy iptables mode).
SVC_NGINX_IP=192.168.13.23
SVC_NGINX_PORT=80
SVC_LOCAL_IP=192.168.13.10
SVC_LOCAL_PORT=80
SVC_NP_IP=192.168.13.30
SVC_NP_PORT=80
SVC_NP_NODEPORT=30875
SVC_NP_VIP=47.100.0.10
SVC_LBL_IP=192.168.13.11
SVC_LBL_PORT=80
SVC_LBL_NODEPORT=31080
SVC_LBL_VIP=47.100.0.11
SVC_EMPTY_IP=192.168.13.99
SVC_EMPTY_PORT=80
SVC_NGINX_IP6=fd00:10:96::17
POD_HTTP_PORT=80

# Client source ports, one per flow (fixed so the 5-tuples are deterministic).
SPORT_1_POD=41101
SPORT_1_SVC=41102
SPORT_2=41201
SPORT_3_LOCAL=41301
SPORT_3_EMPTY=41302
SPORT_4=50401
SPORT_5=50501
SPORT_6_DROP=41601
SPORT_6_OK=41602
SPORT_7=41701
SPORT_8_BULK=41801
SPORT_8_SMALL=41802
SPORT_9_V6=41901
SPORT_9_V4=41902
SPORT_20=42001
SPORT_20_NEXT=42002
SPORT_21=42101
SPORT_22=42201
SPORT_23=52301

# Bulk file served by the backends (bytes), and capture settings.
BULK_SIZE=20000000
BULK_SNAPLEN=128
ROTATE_MB=1
ROTATE_FILES=50

# Issue 13 scenarios (lib/scenarios_gaps.sh). mid.bin: the first MID_SIZE
# bytes of bulk.bin, enough to wrap a GAP_ROTATE_MB x GAP_RING_FILES ring of
# full-size frames at a node eth0 once.
MID_SIZE=1950000
GAP_ROTATE_MB=1
GAP_RING_FILES=2
GAP_DELETED_PIECE=1
DROP_BUFFER_MB=1
LOSS_PROBABILITY=0.03
ASYM_TABLE=100

# Issue 24 scenarios (lib/scenarios_lab24.sh): shapes not recorded before.
# Two more services, added to kube-proxy's rules only in these scenarios:
# svc-dns (UDP ClusterIP -> udptool.py echo in pod-nginx1) and svc-refused
# (TCP ClusterIP -> pod-nginx1 on a port nothing listens on).
SVC_DNS_IP=192.168.13.53
SVC_DNS_PORT=53
SVC_REFUSED_IP=192.168.13.27
SVC_REFUSED_PORT=80
REFUSED_TARGET_PORT=8081
UDP_DNS_TARGET_PORT=9000
# 24: UDP datagrams larger than the pods' MTU (1450 over VXLAN), no DF:
# the sending pod fragments them; FRAG_COUNT requests of FRAG_SIZE bytes
# each, echoed whole, to the pod and to svc-dns.
SPORT_24_POD=44101
SPORT_24_SVC=44102
FRAG_COUNT_24=10
FRAG_SIZE_24=3000
# 25: pod-nginx0 calls svc-local, whose only endpoint is pod-nginx0 itself.
SPORT_25=44201
# 26: DNS-like queries to svc-dns, one source port each.
SPORT_26_BASE=44301
QUERIES_26=30
# 27: TCP to svc-refused, the endpoint's kernel answers RST.
SPORT_27=44401
