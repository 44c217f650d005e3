import { graphql } from '$lib/gql';

export const SyncJobRowFragment = graphql(`
  fragment SyncJobRow on SyncJob {
    id
    status
    stage
    destinationType
    syncType
    triggeredBy
    issue
    group
    destination {
      id
      name
    }
    segment {
      id
      name
    }
    createdAt
    startedAt
    endedAt
    nextRetryAt
    failureLayer
    error
    canRetry
    canWithdraw
    source
    dryRun
    recordsTotal
    recordsAdded
    recordsRemoved
    recordsRejected
    recordsFailed
  }
`);

export const SyncJobsQuery = graphql(`
  query SyncJobs($filter: SyncJobFilter, $first: Int!, $after: String) {
    syncJobs(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        cursor
        node {
          ...SyncJobRow
        }
      }
    }
  }
`);

export const SyncJobUpdatesSubscription = graphql(`
  subscription SyncJobUpdates($filter: SyncJobFilter) {
    syncJobUpdated(filter: $filter) {
      ...SyncJobRow
    }
  }
`);

export const SyncHealthQuery = graphql(`
  query SyncHealth {
    running: syncJobs(filter: { status: [RUNNING, PENDING] }, first: 0) {
      totalCount
    }
    awaiting: syncJobs(filter: { status: [AWAITING_RESPONSE] }, first: 0) {
      totalCount
    }
    failed: syncJobs(filter: { status: [FAILED] }, first: 100) {
      totalCount
      edges {
        node {
          id
          error
          failureLayer
          endedAt
          createdAt
          syncType
          destination {
            id
            name
          }
        }
      }
    }
    waiting: queueItems(filter: { status: [WAITING_FOR_RETRY, RESENDING] }, first: 0) {
      totalCount
    }
  }
`);

export const DestinationOptionsQuery = graphql(`
  query DestinationOptions {
    destinations {
      id
      name
      type
    }
  }
`);

export const QueueItemRowFragment = graphql(`
  fragment QueueItemRow on QueueItem {
    id
    operation
    status
    recordCount
    attempts
    lastAttemptAt
    nextAttemptAt
    lastError
  }
`);

export const SyncJobDetailQuery = graphql(`
  query SyncJobDetail($id: ID!) {
    syncJob(id: $id) {
      id
      dryRunSample
      stageRuns {
        stage
        startedAt
        endedAt
      }
      parent {
        id
        syncType
        status
      }
      children {
        id
        syncType
        status
        destination {
          id
          name
        }
      }
      queueItems(first: 100) {
        totalCount
        pageInfo {
          hasNextPage
        }
        edges {
          node {
            ...QueueItemRow
          }
        }
      }
      rejectedRecords(first: 100) {
        totalCount
        pageInfo {
          hasNextPage
        }
        edges {
          node {
            primaryKey
            reason
            queueItem {
              id
            }
          }
        }
      }
    }
  }
`);

export const QueueItemUpdatesSubscription = graphql(`
  subscription QueueItemUpdates($syncJobId: ID!) {
    queueItemUpdated(syncJobId: $syncJobId) {
      ...QueueItemRow
    }
  }
`);

export const SyncJobByIdQuery = graphql(`
  query SyncJobById($id: ID!) {
    syncJob(id: $id) {
      ...SyncJobRow
    }
  }
`);
