#!/usr/bin/perl
# Harvests a Camtree node's OAI-PMH interface with Debian's HTTP::OAI::Harvester (libhttp-oai-perl), the way an
# institutional repository would: Identify first, then a list verb, following resumption tokens automatically.
#
#   perl harvest.pl BASE_URL VERB METADATA_PREFIX [FROM] [SET]
#
# Prints one tab-separated line per thing seen, for the tests to read:
#   identify  <responseDate of the Identify>  <repositoryName>  <granularity>  <deletedRecord>
#   record    <identifier>  <datestamp>  <live|deleted>  <dc:title or ->  <setSpecs, comma-separated>
#   error     <code>  <message>            (an OAI-PMH error such as noRecordsMatch)
# and exits 0, or 1 when the harvest failed at the HTTP level.
use strict;
use warnings;
use utf8;
use HTTP::OAI;
use HTTP::OAI::Metadata::OAI_DC;

binmode STDOUT, ':encoding(UTF-8)';
my ($base, $verb, $prefix, $from, $set) = @ARGV;
die "usage: harvest.pl BASE_URL VERB METADATA_PREFIX [FROM] [SET]\n" unless $base && $verb && $prefix;

my $harvester = HTTP::OAI::Harvester->new(baseURL => $base, resume => 1, env_proxy => 0, timeout => 60);
my $identify = $harvester->Identify;
if ($identify->is_error) { print "error\thttp\t", $identify->code, " ", $identify->message, "\n"; exit 1; }
print join("\t", 'identify', $identify->responseDate, $identify->repositoryName, $identify->granularity, $identify->deletedRecord), "\n";

my %arguments = (metadataPrefix => $prefix);
$arguments{from} = $from if defined $from && length $from;
$arguments{set} = $set if defined $set && length $set;

sub line {
    my ($header, $title) = @_;
    print join("\t", 'record', $header->identifier, $header->datestamp, ($header->is_deleted ? 'deleted' : 'live'),
        $title // '-', join(',', $header->setSpec)), "\n";
}

my $response;
if ($verb eq 'ListRecords') {
    $response = $harvester->ListRecords(%arguments,
        handlers => { metadata => 'HTTP::OAI::Metadata::OAI_DC' },
        onRecord => sub {
            my $record = shift;
            my $title = $record->metadata ? $record->metadata->dc->{title}[0] : undef;
            line($record->header, $title);
        });
} elsif ($verb eq 'ListIdentifiers') {
    $response = $harvester->ListIdentifiers(%arguments, onRecord => sub { line(shift, undef) });
} else {
    die "harvest.pl lists with ListRecords or ListIdentifiers, not $verb\n";
}

if ($response->is_error) { print "error\thttp\t", $response->code, " ", $response->message, "\n"; exit 1; }
print "error\t", $_->code, "\t", $_->message, "\n" for $response->errors;
exit 0;
