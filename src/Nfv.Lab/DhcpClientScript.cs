using Nfv.Topology;

namespace Nfv.Lab;

/// <summary>
/// The script every client runs on each event (dhclient <c>-sf</c>, udhcpc <c>-s</c>, dhcpcd <c>-c</c>). It
/// records the lease in one format for all three and, for dhclient and udhcpc, configures the interface
/// (address, default route) as their stock scripts would, minus resolv.conf: the stock scripts rewrite the
/// machine's /etc/resolv.conf, which <c>ip netns exec</c> shares with the host.
/// </summary>
internal static class DhcpClientScript
{
    /// <summary>
    /// The script's text. Paths are written in literally: dhclient runs its script with an environment of its
    /// own, not ours (docs/tap-and-lab-notes.md, "DHCP clients in lab hosts").
    /// </summary>
    public static string Text(DhcpClientKind kind, DhcpClientFiles files)
    {
        // dhcpcd adds the address and routes itself; the other two leave that to their script.
        string configure = kind == DhcpClientKind.Dhcpcd ? "0" : "1";
        return $$"""
            #!/bin/sh
            # Written by nfv for one {{DhcpClients.Name(kind)}} run; removed with its folder when the client stops.
            PATH=/usr/sbin:/usr/bin:/sbin:/bin
            export PATH
            lease_file={{Quote(files.Lease)}}
            events_file={{Quote(files.Events)}}
            configure={{configure}}
            if [ -n "$1" ]; then
              # udhcpc: the event is $1, the values come as ip, subnet, router, dns, domain, lease, serverid.
              reason=$(echo "$1" | tr a-z A-Z)
              new_ip_address=$ip new_subnet_mask=$subnet new_routers=$router new_domain_name_servers=$dns
              new_domain_name=$domain new_dhcp_lease_time=$lease new_dhcp_server_identifier=$serverid
            fi
            echo "$reason" >> "$events_file"
            case "$reason" in
              PREINIT)
                [ "$configure" = 1 ] && ip link set dev "$interface" up
                ;;
              BOUND|RENEW|REBIND|REBOOT)
                if [ "$configure" = 1 ]; then
                  if [ -n "$old_ip_address" ] && [ "$old_ip_address" != "$new_ip_address" ]; then
                    ip -4 addr flush dev "$interface" scope global
                  fi
                  ip addr replace "$new_ip_address/$new_subnet_mask" dev "$interface" || exit 1
                  for gw in $new_routers; do
                    ip route replace default via "$gw" dev "$interface"
                    break
                  done
                fi
                {
                  echo "reason=$reason"
                  echo "ip=$new_ip_address"
                  echo "mask=$new_subnet_mask"
                  echo "router=$new_routers"
                  echo "dns=$new_domain_name_servers"
                  echo "domain=$new_domain_name"
                  echo "lease=$new_dhcp_lease_time"
                  echo "serverid=$new_dhcp_server_identifier"
                } > "$lease_file.new" && mv "$lease_file.new" "$lease_file"
                ;;
              EXPIRE|FAIL|RELEASE|STOP|TIMEOUT|DECONFIG|NAK|STOPPED|NOCARRIER|DEPARTED)
                [ "$configure" = 1 ] && ip -4 addr flush dev "$interface" scope global
                [ "$configure" = 1 ] && ip link set dev "$interface" up
                rm -f "$lease_file"
                ;;
            esac
            exit 0

            """;
    }

    /// <summary>Single-quotes a word for sh.</summary>
    public static string Quote(string word) => "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
