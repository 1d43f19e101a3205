# pktpath lab: names, ports and settings of the issue-12 scenarios (12a-12i).
# Plain KEY=VALUE lines, like config.sh: lab.sh sources this file after
# config.sh and truth12.py parses it, so the recording and its truth come
# from one list.

# 12a: ICMP echo ids (ping -e), echo counts.
ECHO_ID_POD=8301
ECHO_ID_MASQ=8302
ECHO_ID_CLIENT=8303
ECHO_COUNT_POD=3
ECHO_COUNT_MASQ=2
ECHO_COUNT_CLIENT=2

# 12b, 12d: UDP request/response (udptool.py rr against udptool.py echo).
UDP_ECHO_PORT=9000
SPORT_12B=42201
RR_COUNT_12B=200
CLOCK_SHIFT_12B=2.468135
SPORT_12D_UDP=42401
SPORT_12D_TCP=42402
RR_COUNT_12D=150
CLOCK_SHIFT_12D=-3.141593

# 12c: same node, pod-centos -> pod-nginx0 (TCP by pod IP, then UDP).
SPORT_12C_TCP=42301
SPORT_12C_UDP=42302
RR_COUNT_12C=100
ECHO_ID_12C=8304
ECHO_COUNT_12C=20

# 12d: the wire between the VPC and node2 delays frames towards node2 by a
# uniform random time (seeded) in [MIN, MAX] ms; frames from node2 pass at once.
WIRE_NS=pp-wire
WIRE_DELAY_MIN_MS=4
WIRE_DELAY_MAX_MS=12
WIRE_SEED=1212

# 12e: GRO download (bytes), capture snaplen.
SPORT_12E=42501
BULK12E_SIZE=4000000
SNAPLEN_12E=128

# 12f: one-way UDP with loss. The sender marks the datagrams a seeded PRNG
# picks (first payload byte 'D' instead of 'K'); the VPC router drops the
# marked ones (iptables u32 on that byte): the loss is the kernel's, its
# pattern comes from this file.
SINK_PORT_12F=9100
SPORT_12F=42601
COUNT_12F=11000
RATE_12F=2500
LOSS_PERMILLE_12F=65
LOSS_SEED_12F=12
SINGLES_12F=40
SINGLES_SPORT_12F=42610
SINGLES_LOST_EVERY_12F=8
# After a pause, one more datagram, not marked, from its own port: node2/eth0
# then still carries a packet after the last lost one-datagram flow, the
# captures' evidence that it was lost and not cut off by the capture's end.
TAIL_DELAY_12F=0.2
TAIL_SPORT_12F=42650

# 12g: one-way UDP to the external client; SNAT added after the first part.
SINK_PORT_12G=9200
SPORT_12G=42701
COUNT1_12G=40
COUNT2_12G=60
INTERVAL_MS_12G=20

# 12h: VXLAN ports (node2 listens on and sends from 6080, node1 on 46080);
# the router-on-a-stick firewall on the VPC segment.
NODE1_VXLAN_PORT=46080
NODE2_VXLAN_PORT=6080
SPORT_12H=42801
NS_FW=pp-fw
FW_ETH0_IP=10.0.0.3
FW_ETH0_MAC=00:16:3e:00:00:03
FW_VPCPORT=vpc-fw
FW_VPCPORT_MAC=ee:ff:ff:00:00:03

# 12i: the nodes' IPv6 default route goes via the VPC router's link-local
# address (EUI-64 of VPC_MAC ee:ff:ff:ff:ff:01).
VPC_LL6=fe80::ecff:ffff:feff:ff01
SPORT_12I=42901
